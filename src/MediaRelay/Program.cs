Console.Error.WriteLine("usage: natedge-relay run [--config FILE] [--control-socket PATH] [--port-range LOW-HIGH] [--metrics IP:PORT]");
return 2;
