using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// A callee over plain UDP that answers one INVITE 200 OK with SDP naming an RTP port it never sends from
/// (the party whose media goes silent), and then shows the test every request that reaches it.
/// </summary>
internal sealed class SilentCallee : IDisposable
{
    public const string Tag = "callee-tag";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly UdpClient _sip = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _rtp = new(new IPEndPoint(IPAddress.Loopback, 0));

    public int Port => ((IPEndPoint)_sip.Client.LocalEndPoint!).Port;

    public string Uri => $"sip:callee@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Takes the INVITE, answers 200 OK (Record-Route echoed, RFC 3261 section 12.1.1), and takes the ACK.</summary>
    public async Task AnswerCallAsync()
    {
        var (invite, proxy) = await RawSipClient.ReceiveUdpAsync(_sip, Wait);
        invite.ShouldStartWith("INVITE ");
        var sdp =
            "v=0\r\n" +
            "o=callee 1 1 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            $"m=audio {((IPEndPoint)_rtp.Client.LocalEndPoint!).Port} RTP/AVP 0\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n";
        var ok = new StringBuilder("SIP/2.0 200 OK\r\n");
        foreach (var line in invite.Split("\r\n"))
        {
            if (line.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Record-Route:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("From:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
            {
                ok.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.OrdinalIgnoreCase))
            {
                ok.Append(line).Append(";tag=").Append(Tag).Append("\r\n");
            }
        }

        ok.Append(CultureInfo.InvariantCulture, $"Contact: <{Uri}>\r\n")
            .Append("Content-Type: application/sdp\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {sdp.Length}\r\n\r\n")
            .Append(sdp);
        var answer = Encoding.ASCII.GetBytes(ok.ToString());
        await _sip.SendAsync(answer, proxy);

        // The proxy's client transaction retransmits the INVITE until the 200 reaches it (Timer A): each copy
        // gets the 200 again, as a UAS's INVITE server transaction would give it.
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var next = (await ReceiveRequestAsync(Wait)).ShouldNotBeNull("the caller's ACK");
            if (next.StartsWith("ACK ", StringComparison.Ordinal))
            {
                return;
            }

            next.ShouldStartWith("INVITE ");
            await _sip.SendAsync(answer, proxy);
        }

        throw new TimeoutException("no ACK after ten INVITE retransmissions");
    }

    /// <summary>The next request, with where it came from; null when none came in time.</summary>
    public async Task<(string Text, IPEndPoint From)?> ReceiveRequestFromAsync(TimeSpan timeout)
    {
        try
        {
            while (true)
            {
                var (text, from) = await RawSipClient.ReceiveUdpAsync(_sip, timeout);
                if (!text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
                {
                    return (text, from);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async Task<string?> ReceiveRequestAsync(TimeSpan timeout) => (await ReceiveRequestFromAsync(timeout))?.Text;

    public Task AnswerAsync(string request, IPEndPoint to, int status, string reason) =>
        _sip.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Answer(request, status, reason, toTag: null)), to).AsTask();

    public void Dispose()
    {
        _sip.Dispose();
        _rtp.Dispose();
    }
}
