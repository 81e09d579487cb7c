using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Telemetry;
using NatEdge.Proxy.Tests.Transport;

namespace NatEdge.Proxy.Tests.Telemetry;

/// <summary>
/// What the proxy does per message for its metrics and (with no exporter) its traces allocates nothing
/// (STYLE.md, hot paths): counters are children made at start, and an ActivitySource nobody listens
/// to starts no span. Runs alone, so no trace listener of another test is active.
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class CountingAllocationTests
{
    private static readonly byte[] Reply = Encoding.ASCII.GetBytes("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-a\r\nContent-Length: 0\r\n\r\n");

    private static readonly SipMessage Request = Parse(
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-a\r\nMax-Forwards: 70\r\n" +
        "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: alloc@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");

    [Fact]
    public void Counting_a_message_allocates_nothing()
    {
        void CountOne()
        {
            ProxyMetrics.RequestReceived(SipMethod.Options);
            ProxyMetrics.MessageSent(Reply);
            ProxyMetrics.ParseError(SipParseError.MalformedCSeq);
            ProxyMetrics.ScriptRan(TimeSpan.FromMilliseconds(0.3));
            ProxyMetrics.AuthChallenged();
            ProxyMetrics.AuthVerified(accepted: true);
            ProxyMetrics.NatPinged(sent: true);
            ProxyMetrics.RelayRequested(RelayRequestOutcome.Answered, TimeSpan.FromMilliseconds(1));
            ProxyMetrics.DatabaseOperationRan();
        }

        Measure(CountOne).ShouldBe(0);
    }

    [Fact]
    public void Tracing_with_no_exporter_allocates_nothing()
    {
        ProxyTracing.Source.HasListeners().ShouldBeFalse("no tracer provider is built in this test process while it runs");

        void TraceOne()
        {
            var span = ProxyTracing.StartTransaction(Request);
            ProxyTracing.NatTested(behindNat: true);
            ProxyTracing.ReplySent(Reply);
            ProxyTracing.EndRelayRequest(ProxyTracing.StartRelayRequest("/run/natedge/relay.sock"), RelayRequestOutcome.Answered);
            ProxyTracing.EndScript(span);
        }

        Measure(TraceOne).ShouldBe(0);
    }

    private static long Measure(Action action)
    {
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error);
        error.ShouldBe(SipParseError.None);
        return message!;
    }
}
