using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.Proxy.Tests.Modules.Auth;

/// <summary>
/// A phone's side of digest authentication, written from RFC 2617 section 3.2.2 and RFC 7616
/// section 3.4 directly on the BCL hashes (independent of the proxy's own code): reads a
/// challenge and writes the credentials header that answers it.
/// </summary>
internal static partial class DigestClient
{
    public static string Nonce(string challenge) => Param(challenge, "nonce");

    public static string Param(string challenge, string name)
    {
        var match = Regex.Match(challenge, name + "=\"?([^\",\r\n]+)\"?");
        match.Success.ShouldBeTrue($"{name} in {challenge}");
        return match.Groups[1].Value;
    }

    public static string Header(
        string header,
        string method,
        string user,
        string realm,
        string password,
        string nonce,
        string uri,
        string algorithm = "MD5",
        bool qop = false,
        string cnonce = "0a4f113b",
        string nc = "00000001")
    {
        var ha1 = H(algorithm, $"{user}:{realm}:{password}");
        var ha2 = H(algorithm, $"{method}:{uri}");
        var response = qop ? H(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}") : H(algorithm, $"{ha1}:{nonce}:{ha2}");
        var qopPart = qop ? $", qop=auth, nc={nc}, cnonce=\"{cnonce}\"" : "";
        return $"{header}: Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm={algorithm}{qopPart}\n";
    }

    private static string H(string algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
#pragma warning disable CA5351 // MD5 is the algorithm under test (RFC 2617).
        var hash = algorithm == "SHA-256" ? SHA256.HashData(bytes) : MD5.HashData(bytes);
#pragma warning restore CA5351
        return Convert.ToHexStringLower(hash);
    }
}
