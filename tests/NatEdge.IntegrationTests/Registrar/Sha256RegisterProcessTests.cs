using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// SHA-256 digest (RFC 7616, RFC 8760) end to end: SIPp only speaks MD5, so a small phone of the
/// test's own reads the proxy's challenges, answers the SHA-256 one and registers.
/// </summary>
public sealed partial class Sha256RegisterProcessTests : IDisposable
{
    private readonly TempDirectory _directory = new("natedge-sha256-");

    [Fact]
    public async Task A_phone_answering_the_sha256_challenge_registers()
    {
        var url = "sqlite:" + Path.Combine(_directory.Path, "ser.db");
        await RegistrarProxy.PrepareDatabaseAsync(url);
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url, modparams: "modparam(\"auth\", \"algorithm\", \"SHA-256,MD5\")"));
        using var phone = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        var challenge = await SendAsync(phone, proxy, Register(phone, proxy, cseq: 1, authorization: ""));
        challenge.ShouldStartWith("SIP/2.0 401 ");
        var offers = ChallengeLine().Matches(challenge).Select(m => m.Groups["value"].Value).ToList();
        offers.Count.ShouldBe(2, challenge);
        offers[0].ShouldContain("algorithm=SHA-256", customMessage: "RFC 8760: the preferred algorithm first");
        offers[1].ShouldContain("algorithm=MD5");

        var nonce = NonceParam().Match(offers[0]).Groups["nonce"].Value;
        var digestUri = $"sip:127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}";
        var ha1 = Sha256Hex($"1000:{RegistrarProxy.Domain}:secret1000");
        var ha2 = Sha256Hex($"REGISTER:{digestUri}");
        var response = Sha256Hex($"{ha1}:{nonce}:{ha2}");
        var authorization = $"Authorization: Digest username=\"1000\", realm=\"{RegistrarProxy.Domain}\", nonce=\"{nonce}\", uri=\"{digestUri}\", response=\"{response}\", algorithm=SHA-256\r\n";

        var answer = await SendAsync(phone, proxy, Register(phone, proxy, cseq: 2, authorization));

        answer.ShouldStartWith("SIP/2.0 200 OK\r\n", customMessage: proxy.Process.Output);
        answer.ShouldContain($"Contact: <sip:1000@127.0.0.1:{((IPEndPoint)phone.Client.LocalEndPoint!).Port}>;expires=3600\r\n");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    private static string Register(UdpClient phone, ProxyProcess proxy, int cseq, string authorization)
    {
        var port = ((IPEndPoint)phone.Client.LocalEndPoint!).Port;
        return $"REGISTER sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-sha-{cseq};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:1000@127.0.0.1>;tag=sha\r\n" +
            "To: <sip:1000@127.0.0.1>\r\n" +
            "Call-ID: sha256-register@127.0.0.1\r\n" +
            $"CSeq: {cseq} REGISTER\r\n" +
            $"Contact: <sip:1000@127.0.0.1:{port}>\r\n" +
            "Expires: 3600\r\n" +
            authorization +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>Sends a request and returns its final reply (stage 2 sends 100 Trying first).</summary>
    private static async Task<string> SendAsync(UdpClient phone, ProxyProcess proxy, string request)
    {
        await phone.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);
        for (var i = 0; i < 5; i++)
        {
            var (text, _) = await RawSipClient.ReceiveUdpAsync(phone);
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return text;
            }
        }

        throw new ShouldAssertException("no final reply after five provisional ones");
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex("^WWW-Authenticate: (?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ChallengeLine();

    [GeneratedRegex("nonce=\"(?<nonce>[^\"]+)\"")]
    private static partial Regex NonceParam();
}
