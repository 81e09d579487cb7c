namespace NatEdge.Proxy;

internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: natedge-proxy run|check|ctl ...");
        return args.Length == 0 ? 2 : 2;
    }
}
