using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Tests.Transport;
using Xunit.Abstractions;

namespace NatEdge.Proxy.Tests.Core;

/// <summary>
/// A request routed by the default script through the real pipeline and UDP listener: the
/// receive loop's script worker is reused, so a message costs its parse and its reply, not a new
/// worker, context or message view. Measured over the whole process, alone.
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class ScriptRoutingAllocationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Bound per routed OPTIONS: the parsed message and the reply send. A worker built per message
    /// (route context with its 4096-character text buffer, message view, reply buffer) would cost
    /// more than 9 KB on its own.
    /// </summary>
    private const double MaxBytesPerMessage = 4096;

    [Fact]
    public async Task Routing_a_request_through_the_script_reuses_the_loops_worker()
    {
        await using var fixture = new PipelineFixture();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(fixture.Listener.LocalEndPoint);
        client.ReceiveTimeout = 5000;
        var port = ((IPEndPoint)client.LocalEndPoint!).Port;
        var request = Encoding.ASCII.GetBytes(
            $"OPTIONS sip:127.0.0.1:{fixture.Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-alloc\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=a1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: alloc@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        var reply = new byte[2048];

        void Exchange(int count)
        {
            for (var i = 0; i < count; i++)
            {
                client.Send(request);
                client.Receive(reply);
            }
        }

        Exchange(200);
        var perMessage = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            Exchange(1000);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            output.WriteLine($"round {round}: {allocated} bytes allocated in the process for 1000 routed requests");
            perMessage = Math.Min(perMessage, allocated / 1000.0);
        }

        Encoding.ASCII.GetString(reply).ShouldStartWith("SIP/2.0 200 OK\r\n");
        perMessage.ShouldBeLessThan(MaxBytesPerMessage);
    }
}
