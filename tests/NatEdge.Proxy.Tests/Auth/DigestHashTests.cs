using NatEdge.Proxy.Modules.Auth;

namespace NatEdge.Proxy.Tests.Auth;

/// <summary>Known answers published in the RFCs themselves.</summary>
public class DigestHashTests
{
    [Fact]
    public void Rfc2617_section_3_5_example()
    {
        // RFC 2617 §3.5 (with the errata's password "Circle Of Life").
        var response = Compute(
            DigestAlgorithm.Md5,
            username: "Mufasa",
            realm: "testrealm@host.com",
            password: "Circle Of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
            nc: "00000001",
            cnonce: "0a4f113b",
            qop: "auth");
        response.ShouldBe("6629fae49393a05397450978507c4ef1");
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_section_3_9_1_examples(DigestAlgorithm algorithm, string expected)
    {
        var response = Compute(
            algorithm,
            username: "Mufasa",
            realm: "http-auth@example.org",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            nc: "00000001",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            qop: "auth");
        response.ShouldBe(expected);
    }

    [Fact]
    public void Ha1_of_the_rfc2617_example_is_md5_of_user_realm_password()
    {
        // MD5("Mufasa:testrealm@host.com:Circle Of Life"), RFC 2617 §3.5 worked through.
        DigestHash.Ha1(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life")
            .ShouldBe(Md5Hex("Mufasa:testrealm@host.com:Circle Of Life"));
    }

    [Fact]
    public void Without_qop_the_response_is_the_rfc2069_form()
    {
        var ha1 = DigestHash.Ha1(DigestAlgorithm.Md5, "alice", "example.org", "secret");
        Span<char> ha2 = stackalloc char[32];
        DigestHash.Ha2(DigestAlgorithm.Md5, "REGISTER", "sip:example.org", ha2);
        Span<char> response = stackalloc char[32];
        DigestHash.Response(DigestAlgorithm.Md5, ha1, "abc", default, default, default, ha2, response);
        new string(response).ShouldBe(Md5Hex($"{ha1}:abc:{Md5Hex("REGISTER:sip:example.org")}"));
    }

    [Fact]
    public void Long_inputs_beyond_the_stack_buffer_hash_the_same()
    {
        var longUri = "sip:" + new string('a', 2000) + "@example.org";
        Span<char> ha2 = stackalloc char[32];
        DigestHash.Ha2(DigestAlgorithm.Md5, "INVITE", longUri, ha2);
        new string(ha2).ShouldBe(Md5Hex("INVITE:" + longUri));
    }

    internal static string Compute(
        DigestAlgorithm algorithm,
        string username,
        string realm,
        string password,
        string method,
        string uri,
        string nonce,
        string nc,
        string cnonce,
        string qop)
    {
        var length = algorithm.HexLength();
        var ha1 = DigestHash.Ha1(algorithm, username, realm, password);
        Span<char> ha2 = stackalloc char[length];
        DigestHash.Ha2(algorithm, method, uri, ha2);
        Span<char> response = stackalloc char[length];
        DigestHash.Response(algorithm, ha1, nonce, nc, cnonce, qop, ha2, response);
        return new string(response);
    }

#pragma warning disable CA5351 // the reference value is MD5 by definition
    private static string Md5Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351
}
