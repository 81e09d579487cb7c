namespace NatEdge.MediaRelay;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: natedge-relay run [--config FILE] [--control-socket PATH] [--port-range LOW-HIGH] [--metrics IP:PORT]");
        return args.Length == 0 ? 2 : 2;
    }
}
