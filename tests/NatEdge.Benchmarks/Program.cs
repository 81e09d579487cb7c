using BenchmarkDotNet.Running;

// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*'` runs them all;
// each area (Parsing/, Routing/, Control/, Forwarding/...) is a folder of benchmark classes.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
