using BenchmarkDotNet.Running;

namespace NatEdge.Benchmarks;

// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*'` runs them all;
// each area (Parsing/, Routing/, Control/, Forwarding/...) is a folder of benchmark classes.
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
