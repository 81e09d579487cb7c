using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// A test phone on a UDP socket that registers with digest credentials it computes itself from
/// RFC 2617 / RFC 7616 (MD5 or SHA-256), independent of the proxy's code.
/// </summary>
internal sealed partial class DigestPhone(ProxyProcess proxy, string user, string password) : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private int _cseq;

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public string DigestUri => $"sip:127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>REGISTER without credentials; returns the final reply.</summary>
    public Task<string> RegisterAsync(string authorization = "") => SendAsync(Request(++_cseq, authorization));

    /// <summary>The WWW-Authenticate values of a reply, in order.</summary>
    public static IReadOnlyList<string> Challenges(string reply) =>
        ChallengeLine().Matches(reply).Select(m => m.Groups["value"].Value.TrimEnd('\r')).ToList();

    /// <summary>The Proxy-Authenticate values of a reply, in order.</summary>
    public static IReadOnlyList<string> ProxyChallenges(string reply) =>
        ProxyChallengeLine().Matches(reply).Select(m => m.Groups["value"].Value.TrimEnd('\r')).ToList();

    /// <summary>The Authorization line answering a REGISTER's <paramref name="challenge"/> (no qop).</summary>
    public string Answer(string challenge, string algorithm = "MD5") =>
        Credentials("Authorization", "REGISTER", DigestUri, user, password, challenge, algorithm);

    /// <summary>A credentials header line (RFC 2617 section 3.2.2, without qop) for one request.</summary>
    public static string Credentials(string header, string method, string uri, string user, string password, string challenge, string algorithm = "MD5")
    {
        var nonce = NonceParam().Match(challenge).Groups["nonce"].Value;
        var ha1 = Hash(algorithm, $"{user}:{RegistrarProxy.Domain}:{password}");
        var ha2 = Hash(algorithm, $"{method}:{uri}");
        var response = Hash(algorithm, $"{ha1}:{nonce}:{ha2}");
        return $"{header}: Digest username=\"{user}\", realm=\"{RegistrarProxy.Domain}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={algorithm}\r\n";
    }

    /// <summary>The next datagram the phone receives (a request the proxy relayed to it).</summary>
    public async Task<string> ReceiveAsync() => (await RawSipClient.ReceiveUdpAsync(_socket, TimeSpan.FromSeconds(10))).Text;

    /// <summary>Sends a message the test wrote (an answer to a relayed request) to the proxy.</summary>
    public async Task SendRawAsync(string message) => await _socket.SendAsync(Encoding.ASCII.GetBytes(message), proxy.EndPoint);

    public void Dispose() => _socket.Dispose();

    private string Request(int cseq, string authorization) =>
        $"REGISTER sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.0.1:{Port};branch=z9hG4bK-phone-{cseq}-{Guid.NewGuid():N};rport\r\n" +
        "Max-Forwards: 70\r\n" +
        $"From: <sip:{user}@127.0.0.1>;tag=phone\r\n" +
        $"To: <sip:{user}@127.0.0.1>\r\n" +
        $"Call-ID: phone-{Port}@127.0.0.1\r\n" +
        $"CSeq: {cseq} REGISTER\r\n" +
        $"Contact: <sip:{user}@127.0.0.1:{Port}>\r\n" +
        "Expires: 3600\r\n" +
        authorization +
        "Content-Length: 0\r\n\r\n";

    /// <summary>Sends a request and returns its final reply (stage 2 sends 100 Trying first).</summary>
    private async Task<string> SendAsync(string request)
    {
        await _socket.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);
        for (var i = 0; i < 5; i++)
        {
            var (text, _) = await RawSipClient.ReceiveUdpAsync(_socket, TimeSpan.FromSeconds(20));
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return text;
            }
        }

        throw new ShouldAssertException("no final reply after five provisional ones");
    }

    private static string Hash(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
#pragma warning disable CA5351 // MD5 is what RFC 2617 digest and SIPp phones use.
        return Convert.ToHexStringLower(algorithm == "SHA-256" ? SHA256.HashData(bytes) : MD5.HashData(bytes));
#pragma warning restore CA5351
    }

    [GeneratedRegex("^WWW-Authenticate: (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ChallengeLine();

    [GeneratedRegex("^Proxy-Authenticate: (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ProxyChallengeLine();

    [GeneratedRegex("nonce=\"(?<nonce>[^\"]+)\"")]
    private static partial Regex NonceParam();
}
