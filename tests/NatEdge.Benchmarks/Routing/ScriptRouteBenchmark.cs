using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Benchmarks.Routing;

/// <summary>
/// One message through the main route of config/natedge.cfg, the proxy's hello
/// configuration until the relay and registrar modules land: Max-Forwards
/// processing, the ACK/myself/method decisions and a stateless reply built by
/// ResponseFactory (501 for REGISTER, 404 for INVITE) into a transport that
/// discards it; and an INVITE through the header functions (two regex searches of the
/// received text, a header appended and one removed). Parsing is outside the
/// measurement; each run starts from the
/// received message with no edits, as a worker does.
/// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*ScriptRoute*'`
/// </summary>
[MemoryDiagnoser]
public class ScriptRouteBenchmark
{
    internal const string Register =
        "REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-reg1;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:alice@127.0.0.1>;tag=a1\r\n" +
        "To: <sip:alice@127.0.0.1>\r\n" +
        "Call-ID: reg-1@127.0.0.1\r\n" +
        "CSeq: 1 REGISTER\r\n" +
        "Contact: <sip:alice@127.0.0.1:40000>;expires=3600\r\n" +
        "User-Agent: bench\r\n" +
        "Content-Length: 0\r\n\r\n";

    internal const string Invite =
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-inv1;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:alice@127.0.0.1>;tag=a1\r\n" +
        "To: <sip:bob@127.0.0.1>\r\n" +
        "Call-ID: inv-1@127.0.0.1\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Contact: <sip:alice@127.0.0.1:40000>\r\n" +
        "Content-Type: application/sdp\r\n" +
        "User-Agent: bench\r\n" +
        "Content-Length: 0\r\n\r\n";

    /// <summary>The header functions of the NAT stage: regex searches over the received text and header edits.</summary>
    private const string HeaderScript = """
        loadmodule "sl.so"
        loadmodule "textops.so"
        route {
            if (!search("^Contact:[ ]*\*") && search("^Content-Type:.*sdp")) {
                append_hf("X-Edge: relayed\r\n");
                remove_hf("User-Agent");
            };
            if (method == "INVITE" && src_ip == 127.0.0.0/8) {
                sl_send_reply("404", "Not Found");
            };
        }
        """;

    private CompiledScript _script = null!;
    private CompiledScript _headerScript = null!;
    private RouteContext _context = null!;
    private SipScriptMessage _view = null!;
    private SipMessage _register = null!;
    private SipMessage _invite = null!;
    private ReceiveInfo _received;

    [GlobalSetup]
    public void Setup()
    {
        var result = ScriptLoader.LoadFile(Path.Combine(FindRoot(), "config", "natedge.cfg"));
        _script = result.Script ?? throw new InvalidOperationException(result.Diagnostics.Render());
        var headers = ScriptLoader.LoadText(HeaderScript, "headers.cfg");
        _headerScript = headers.Script ?? throw new InvalidOperationException(headers.Diagnostics.Render());
        _context = new RouteContext(new SipStatelessReplySink(new DiscardingTransport()), new DiscardingLog());
        _view = new SipScriptMessage();
        _register = Parse(Register);
        _invite = Parse(Invite);
        _received = ReceiveInfo.From(new IPEndPoint(IPAddress.Loopback, 40000), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp);
    }

    [Benchmark]
    public int RegisterThroughMainRoute() => Run(_register);

    [Benchmark]
    public int InviteThroughMainRoute() => Run(_invite);

    [Benchmark]
    public int InviteThroughHeaderFunctions() => Run(_invite, _headerScript);

    private int Run(SipMessage message) => Run(message, _script);

    private int Run(SipMessage message, CompiledScript script)
    {
        if (message.HasEdits)
        {
            message.Edits.Clear();
        }

        _context.Reset(_view.Reset(message), _received);
        var pending = script.RunRequestAsync(_context);
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("the core functions complete synchronously");
    }

    internal static SipMessage Parse(string text) =>
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error) == SipParseStatus.Ok
            ? message!
            : throw new InvalidOperationException($"benchmark message does not parse: {error}");

    internal static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NatEdge.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("NatEdge.sln not found above the benchmark");
    }

    internal sealed class DiscardingTransport : IReplyTransport
    {
        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(true);
    }

    internal sealed class DiscardingLog : IScriptLog
    {
        public void Write(int level, string text)
        {
        }
    }
}
