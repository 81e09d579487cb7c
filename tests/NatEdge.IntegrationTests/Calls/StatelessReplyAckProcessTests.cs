using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>
/// The ACK of a reply the script sent with sl_send_reply ends at the proxy (RFC 3261 17.1.1.3: the
/// ACK of a non-2xx final answer is hop by hop), before the script can route it anywhere.
/// </summary>
public sealed class StatelessReplyAckProcessTests
{
    [Fact]
    public async Task The_ACK_of_a_404_for_an_unknown_user_is_not_routed_on()
    {
        await using var proxy = await CallLab.StartProxyAsync();
        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var elsewhere = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var callerPort = ((IPEndPoint)caller.Client.LocalEndPoint!).Port;
        var elsewherePort = ((IPEndPoint)elsewhere.Client.LocalEndPoint!).Port;
        var headers = string.Create(
            CultureInfo.InvariantCulture,
            $"Via: SIP/2.0/UDP 127.0.0.1:{callerPort};branch=z9hG4bK-unknown-{Guid.NewGuid():N};rport\r\nMax-Forwards: 70\r\nFrom: <sip:1000@127.0.0.1>;tag=caller\r\nCall-ID: unknown-{Guid.NewGuid():N}@127.0.0.1\r\n");
        var invite = string.Create(CultureInfo.InvariantCulture, $"INVITE sip:1999@127.0.0.1:{proxy.Port} SIP/2.0\r\n") + headers +
            "To: <sip:1999@127.0.0.1>\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

        await caller.SendAsync(Encoding.ASCII.GetBytes(invite), proxy.EndPoint);
        var reply = (await RawSipClient.ReceiveUdpAsync(caller)).Text;
        RawSipClient.StatusCode(reply).ShouldBe(404, reply);
        var to = Regex.Match(reply, "^To: ([^\r\n]+)\r\n", RegexOptions.Multiline).Groups[1].Value;
        to.ShouldContain(";tag=");

        // The probe's Request-URI names another socket: an ACK the script saw would be relayed there.
        var ack = string.Create(CultureInfo.InvariantCulture, $"ACK sip:1999@127.0.0.1:{elsewherePort} SIP/2.0\r\n") + headers +
            $"To: {to}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
        await caller.SendAsync(Encoding.ASCII.GetBytes(ack), proxy.EndPoint);

        var relayed = elsewhere.ReceiveAsync(new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).AsTask();
        await Should.ThrowAsync<OperationCanceledException>(relayed, $"the ACK went on:\n{proxy.Process.Output}");
    }
}
