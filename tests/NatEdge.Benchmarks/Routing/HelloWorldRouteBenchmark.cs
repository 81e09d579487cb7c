using System.Net;
using BenchmarkDotNet.Attributes;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Benchmarks.Routing;

/// <summary>
/// The guide's hello-world main route (config/stage1-hello.cfg, usrloc in memory) on the two
/// requests it exists for: a REGISTER that goes through the sanity checks into
/// save("location") and gets its 200 with the binding listed, and an INVITE that is
/// record-routed, is not loose-routed, misses lookup("location") and is answered 404.
/// Relaying a found INVITE is measured with the transaction layer in
/// Transactions/StatefulCallBenchmark. Parsing is outside the measurement; the replies go to a
/// transport that discards them.
/// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*HelloWorldRoute*'`
/// </summary>
[MemoryDiagnoser]
public class HelloWorldRouteBenchmark
{
    private CompiledScript _script = null!;
    private ModuleServices _services = null!;
    private RouteContext _context = null!;
    private SipScriptMessage _view = null!;
    private SipMessage _register = null!;
    private SipMessage _invite = null!;
    private ReceiveInfo _received;

    [GlobalSetup]
    public void Setup()
    {
        var result = ScriptLoader.LoadFile(Path.Combine(ScriptRouteBenchmark.FindRoot(), "config", "stage1-hello.cfg"));
        _script = result.Script ?? throw new InvalidOperationException(result.Diagnostics.Render());
        _services = ModuleServices.StartAsync(_script.Modules, TimeProvider.System).GetAwaiter().GetResult();
        _context = new RouteContext(new SipStatelessReplySink(new ScriptRouteBenchmark.DiscardingTransport()), new ScriptRouteBenchmark.DiscardingLog()) { Services = _services };
        _view = new SipScriptMessage();
        _register = ScriptRouteBenchmark.Parse(ScriptRouteBenchmark.Register);
        _invite = ScriptRouteBenchmark.Parse(ScriptRouteBenchmark.Invite);
        _received = ReceiveInfo.From(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);
    }

    [GlobalCleanup]
    public void Cleanup() => _services.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int RegisterSavedInMemory() => Run(_register);

    [Benchmark]
    public int InviteToAnUnknownUser() => Run(_invite);

    private int Run(SipMessage message)
    {
        if (message.HasEdits)
        {
            message.Edits.Clear();
        }

        _context.Reset(_view.Reset(message), _received);
        var pending = _script.RunRequestAsync(_context);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }
}
