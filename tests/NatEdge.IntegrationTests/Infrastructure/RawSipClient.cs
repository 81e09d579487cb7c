using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatEdge.IntegrationTests.Infrastructure;

/// <summary>Plain sockets that send SIP text and read what comes back, for tests that need exact bytes.</summary>
public static class RawSipClient
{
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// An OPTIONS request. <paramref name="viaSentBy"/> is written into Via as is, so a test can
    /// claim a sent-by that differs from the socket it really sends from.
    /// </summary>
    public static string Options(string requestUri, string transport, string viaSentBy, bool rport, string? extraHeaders = null, string method = "OPTIONS", int maxForwards = 70)
    {
        var branch = "z9hG4bK" + Guid.NewGuid().ToString("N");
        return
            $"{method} {requestUri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} {viaSentBy};branch={branch}{(rport ? ";rport" : string.Empty)}\r\n" +
            $"Max-Forwards: {maxForwards.ToString(CultureInfo.InvariantCulture)}\r\n" +
            "From: <sip:tester@natedge.invalid>;tag=t1\r\n" +
            $"To: <{requestUri}>\r\n" +
            $"Call-ID: {Guid.NewGuid():N}@natedge.invalid\r\n" +
            $"CSeq: 1 {method}\r\n" +
            (extraHeaders ?? string.Empty) +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>
    /// A response as a UAS writes it (RFC 3261 section 8.2.6.2): every Via, From, Call-ID and CSeq
    /// copied from the request, To with <paramref name="toTag"/> added (as it is when null: a request within a
    /// dialog already has one), no body.
    /// </summary>
    public static string Answer(string request, int status, string reason, string? toTag)
    {
        ArgumentNullException.ThrowIfNull(request);
        var builder = new StringBuilder().Append(CultureInfo.InvariantCulture, $"SIP/2.0 {status} {reason}\r\n");
        foreach (var line in request.Split("\r\n"))
        {
            if (line.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase) || line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append(line).Append(toTag is null ? string.Empty : ";tag=" + toTag).Append("\r\n");
            }
        }

        return builder.Append("Content-Length: 0\r\n\r\n").ToString();
    }

    /// <summary>The status code of a response's status line.</summary>
    public static int StatusCode(string response) =>
        int.Parse(response.AsSpan("SIP/2.0 ".Length, 3), CultureInfo.InvariantCulture);

    /// <summary>The top Via header line of a message.</summary>
    public static string TopVia(string message) =>
        message.Split("\r\n").First(l => l.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("v:", StringComparison.Ordinal));

    public static async Task<(string Text, IPEndPoint From)> ReceiveUdpAsync(UdpClient client, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? ReplyTimeout);
        var result = await client.ReceiveAsync(cancel.Token);
        return (Encoding.ASCII.GetString(result.Buffer), result.RemoteEndPoint);
    }

    /// <summary>
    /// Sends a request over UDP and returns the first reply, retransmitting as a client transaction
    /// does (RFC 3261 17.1.2.2: T1 = 500 ms, doubling up to T2 = 4 s), since a datagram may be lost
    /// when the proxy's socket queue is full. Fails after about 16 s of silence.
    /// </summary>
    public static async Task<string> UdpExchangeAsync(IPEndPoint proxy, string request)
    {
        using var client = new UdpClient(new IPEndPoint(proxy.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, 0));
        var bytes = Encoding.ASCII.GetBytes(request);
        var interval = TimeSpan.FromMilliseconds(500);
        for (var attempt = 0; attempt < 7; attempt++)
        {
            await client.SendAsync(bytes, proxy);
            try
            {
                return (await ReceiveUdpAsync(client, interval)).Text;
            }
            catch (OperationCanceledException)
            {
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, TimeSpan.FromSeconds(4).Ticks));
            }
        }

        throw new TimeoutException($"no reply from {proxy} to:\n{request}");
    }

    /// <summary>Reads one SIP message (header section, then Content-Length bytes) from a stream; null when the peer closed (or reset) first.</summary>
    public static async Task<string?> ReadMessageAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? ReplyTimeout);
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.ASCII.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var length = ContentLength(text[..end]);
                if (text.Length >= end + 4 + length)
                {
                    return text[..(end + 4 + length)];
                }
            }

            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // A peer that closes with our bytes still unread resets the connection: closed all the same.
                n = 0;
            }

            if (n == 0)
            {
                return null;
            }

            received.AddRange(buffer.AsSpan(0, n));
        }
    }

    private static int ContentLength(string headers)
    {
        foreach (var line in headers.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() is var name
                && (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("l", StringComparison.OrdinalIgnoreCase)))
            {
                return int.Parse(line[(colon + 1)..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
