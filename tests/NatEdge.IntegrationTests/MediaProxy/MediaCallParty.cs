using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// A caller that places one call through a SIP proxy over UDP and sends RTP to wherever the answer's
/// SDP points: INVITE with SDP, ACK and BYE routed back through the proxy (a Route to it), and RTP
/// packets (12-byte header, 160-byte payload) whose echoes it counts.
/// </summary>
internal sealed partial class MediaCallParty : IDisposable
{
    private readonly UdpClient _sip;
    private readonly IPEndPoint _proxy;
    private readonly string _callId = "mp-" + Guid.NewGuid().ToString("N") + "@127.0.0.1";
    private string _toTag = string.Empty;
    private string _requestUri = string.Empty;

    public MediaCallParty(IPEndPoint proxy)
        : this(proxy, null)
    {
    }

    /// <summary>A caller on the loopback of network namespace <paramref name="networkNamespace"/> (the test's own when null).</summary>
    public MediaCallParty(IPEndPoint proxy, string? networkNamespace)
    {
        _proxy = proxy;
        _sip = LoopbackClient(networkNamespace);
        Rtp = LoopbackClient(networkNamespace);
    }

    public UdpClient Rtp { get; }

    private static UdpClient LoopbackClient(string? networkNamespace)
    {
        if (networkNamespace is null)
        {
            return new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        }

        var socket = Lab.NetworkNamespace.CreateUdp(networkNamespace);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var client = new UdpClient();
        client.Client.Dispose();
        client.Client = socket;
        return client;
    }

    public int SipPort => ((IPEndPoint)_sip.Client.LocalEndPoint!).Port;

    public int RtpPort => ((IPEndPoint)Rtp.Client.LocalEndPoint!).Port;

    public string CallId => _callId;

    /// <summary>Sends the INVITE and returns the 200 OK's text (provisional answers are skipped).</summary>
    public async Task<string> InviteAsync(string calleeUri)
    {
        _requestUri = calleeUri;
        var sdp =
            "v=0\r\n" +
            "o=caller 1 1 IN IP4 127.0.0.1\r\n" +
            "s=-\r\n" +
            "c=IN IP4 127.0.0.1\r\n" +
            "t=0 0\r\n" +
            $"m=audio {RtpPort} RTP/AVP 0\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n";
        await SendAsync(Request("INVITE", 1, "invite", toTag: null, route: false, contentType: "application/sdp", body: sdp));
        var (reply, status) = await FinalResponseAsync("1 INVITE");
        if (status == 200)
        {
            _toTag = ToTag().Match(reply).Groups[1].Value;
            _requestUri = ContactUri().Match(reply).Groups[1].Value;
        }

        return reply;
    }

    public Task AckAsync() => SendAsync(Request("ACK", 1, "ack", _toTag, route: true));

    /// <summary>Sends BYE through the proxy and returns the final answer's status code.</summary>
    public async Task<int> ByeAsync()
    {
        await SendAsync(Request("BYE", 2, "bye", _toTag, route: true));
        return (await FinalResponseAsync("2 BYE")).Status;
    }

    /// <summary>The next request that reaches the caller's SIP socket (responses are skipped); null when none came in time.</summary>
    public async Task<string?> ReceiveRequestAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var received = await _sip.ReceiveAsync(cancel.Token);
                var text = Encoding.ASCII.GetString(received.Buffer);
                if (!text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Answers a request within the dialog through the proxy.</summary>
    public Task AnswerAsync(string request, int status, string reason) =>
        SendAsync(NatEdge.IntegrationTests.Infrastructure.RawSipClient.Answer(request, status, reason, toTag: null));

    /// <summary>
    /// The first final response whose CSeq is <paramref name="cseq"/>: a 200 OK to the INVITE that the
    /// callee retransmitted while the ACK was on its way may still be queued when the BYE is sent.
    /// </summary>
    private async Task<(string Reply, int Status)> FinalResponseAsync(string cseq)
    {
        while (true)
        {
            var reply = await ReceiveAsync();
            var status = int.Parse(reply.AsSpan(8, 3), CultureInfo.InvariantCulture);
            if (status >= 200 && CSeq().Match(reply).Groups[1].Value == cseq)
            {
                return (reply, status);
            }
        }
    }

    /// <summary>The connection address and first audio port of an SDP body.</summary>
    public static IPEndPoint AudioEndPoint(string message)
    {
        var address = Connection().Match(message);
        var port = AudioPort().Match(message);
        if (!address.Success || !port.Success)
        {
            throw new InvalidOperationException($"no c= or m=audio line in:\n{message}");
        }

        return new IPEndPoint(IPAddress.Parse(address.Groups[1].Value), int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Sends <paramref name="count"/> RTP packets at 50 per second to <paramref name="target"/> and returns
    /// the sequence numbers echoed back, in arrival order, each with the address it came from.
    /// </summary>
    public async Task<List<(ushort Sequence, IPEndPoint From)>> SendRtpAndCollectEchoesAsync(IPEndPoint target, int count)
    {
        var echoes = new List<(ushort, IPEndPoint)>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            try
            {
                while (echoes.Count < count)
                {
                    var packet = await Rtp.ReceiveAsync(stop.Token);
                    if (packet.Buffer.Length == 172)
                    {
                        lock (echoes)
                        {
                            echoes.Add((BinaryPrimitives.ReadUInt16BigEndian(packet.Buffer.AsSpan(2)), packet.RemoteEndPoint));
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var packetBuffer = new byte[172];
        packetBuffer[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(packetBuffer.AsSpan(8), 0x4e415445);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packetBuffer.AsSpan(2), (ushort)i);
            BinaryPrimitives.WriteUInt32BigEndian(packetBuffer.AsSpan(4), (uint)(i * 160));
            await Rtp.SendAsync(packetBuffer, target);
            await Task.Delay(20);
        }

        await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2)));
        await stop.CancelAsync();
        await receiving;
        lock (echoes)
        {
            return [.. echoes];
        }
    }

    public void Dispose()
    {
        _sip.Dispose();
        Rtp.Dispose();
    }

    private string Request(string method, int cseq, string branch, string? toTag, bool route, string? contentType = null, string body = "")
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{method} {_requestUri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/UDP 127.0.0.1:{SipPort};branch=z9hG4bK-{branch}-{_callId.GetHashCode(StringComparison.Ordinal):x};rport\r\n")
            .Append("Max-Forwards: 70\r\n");
        if (route)
        {
            text.Append(CultureInfo.InvariantCulture, $"Route: <sip:{_proxy.Address}:{_proxy.Port};lr>\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"From: <sip:caller@127.0.0.1>;tag=caller-tag\r\n")
            .Append(toTag is null ? "To: <sip:callee@127.0.0.1>\r\n" : $"To: <sip:callee@127.0.0.1>;tag={toTag}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {_callId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {cseq} {method}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Contact: <sip:caller@127.0.0.1:{SipPort}>\r\n");
        if (contentType is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"Content-Length: {Encoding.ASCII.GetByteCount(body)}\r\n\r\n").Append(body).ToString();
    }

    private async Task SendAsync(string message) => await _sip.SendAsync(Encoding.ASCII.GetBytes(message), _proxy);

    private async Task<string> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await _sip.ReceiveAsync(timeout.Token);
        return Encoding.ASCII.GetString(received.Buffer);
    }

    [GeneratedRegex(@"^CSeq:\s*(\d+ [A-Z]+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex CSeq();

    [GeneratedRegex(@"^(?:To|t):[^\r\n]*;tag=([^;\s>\r\n]+)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ToTag();

    [GeneratedRegex(@"^(?:Contact|m):[^<\r\n]*<([^>]+)>", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ContactUri();

    [GeneratedRegex(@"^c=IN IP4 ([0-9.]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex Connection();

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex AudioPort();
}
