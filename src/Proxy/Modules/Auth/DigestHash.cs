using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The digest computations of RFC 2617 §3.2.2 and RFC 7616 §3.4: H(data) in lowercase hex over
/// the UTF-8 of parts joined by ':'. Writes into caller spans; nothing is allocated unless an
/// input is longer than the stack buffer.
/// </summary>
public static class DigestHash
{
    private const int StackLimit = 512;

    /// <summary>HA1 = H(username:realm:password).</summary>
    public static void Ha1(DigestAlgorithm algorithm, ReadOnlySpan<char> username, ReadOnlySpan<char> realm, ReadOnlySpan<char> password, Span<char> hex) =>
        Hash(algorithm, hex, username, realm, password);

    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password)
    {
        Span<char> hex = stackalloc char[algorithm.HexLength()];
        Ha1(algorithm, username, realm, password, hex);
        return new string(hex);
    }

    /// <summary>The -sess HA1 = H(H(username:realm:password):nonce:cnonce) (RFC 7616 §3.4.2).</summary>
    public static void SessionHa1(DigestAlgorithm algorithm, ReadOnlySpan<char> ha1, ReadOnlySpan<char> nonce, ReadOnlySpan<char> cnonce, Span<char> hex) =>
        Hash(algorithm, hex, ha1, nonce, cnonce);

    /// <summary>HA2 = H(method:digest-uri) for qop absent or "auth".</summary>
    public static void Ha2(DigestAlgorithm algorithm, ReadOnlySpan<char> method, ReadOnlySpan<char> uri, Span<char> hex) =>
        Hash(algorithm, hex, method, uri);

    /// <summary>
    /// With qop: H(HA1:nonce:nc:cnonce:qop:HA2); without (RFC 2069 compatibility): H(HA1:nonce:HA2).
    /// </summary>
    public static void Response(
        DigestAlgorithm algorithm,
        ReadOnlySpan<char> ha1,
        ReadOnlySpan<char> nonce,
        ReadOnlySpan<char> nonceCount,
        ReadOnlySpan<char> cnonce,
        ReadOnlySpan<char> qop,
        ReadOnlySpan<char> ha2,
        Span<char> hex)
    {
        if (qop.IsEmpty)
        {
            Hash(algorithm, hex, ha1, nonce, ha2);
        }
        else
        {
            Hash(algorithm, hex, ha1, nonce, nonceCount, cnonce, qop, ha2);
        }
    }

    private static void Hash(DigestAlgorithm algorithm, Span<char> hex, ReadOnlySpan<char> p0, ReadOnlySpan<char> p1) =>
        Hash(algorithm, hex, p0, p1, default, default, default, default, 2);

    private static void Hash(DigestAlgorithm algorithm, Span<char> hex, ReadOnlySpan<char> p0, ReadOnlySpan<char> p1, ReadOnlySpan<char> p2) =>
        Hash(algorithm, hex, p0, p1, p2, default, default, default, 3);

    private static void Hash(
        DigestAlgorithm algorithm,
        Span<char> hex,
        ReadOnlySpan<char> p0,
        ReadOnlySpan<char> p1,
        ReadOnlySpan<char> p2,
        ReadOnlySpan<char> p3,
        ReadOnlySpan<char> p4,
        ReadOnlySpan<char> p5,
        int count)
    {
        var length = Encoding.UTF8.GetMaxByteCount(p0.Length + p1.Length + p2.Length + p3.Length + p4.Length + p5.Length) + count;
        byte[]? rented = null;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var written = 0;
            Append(buffer, ref written, p0, first: true);
            Append(buffer, ref written, p1, first: false);
            if (count > 2)
            {
                Append(buffer, ref written, p2, first: false);
            }

            if (count > 3)
            {
                Append(buffer, ref written, p3, first: false);
                Append(buffer, ref written, p4, first: false);
                Append(buffer, ref written, p5, first: false);
            }

            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            var input = buffer[..written];
#pragma warning disable CA5351 // Digest MD5 is what RFC 2617 and every SIP phone speak; SHA-256 is offered beside it.
            var size = algorithm is DigestAlgorithm.Md5 or DigestAlgorithm.Md5Sess
                ? MD5.HashData(input, digest)
                : SHA256.HashData(input, digest);
#pragma warning restore CA5351
            Convert.TryToHexStringLower(digest[..size], hex, out _);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            }
        }
    }

    private static void Hash(
        DigestAlgorithm algorithm,
        Span<char> hex,
        ReadOnlySpan<char> p0,
        ReadOnlySpan<char> p1,
        ReadOnlySpan<char> p2,
        ReadOnlySpan<char> p3,
        ReadOnlySpan<char> p4,
        ReadOnlySpan<char> p5) =>
        Hash(algorithm, hex, p0, p1, p2, p3, p4, p5, 6);

    private static void Append(Span<byte> buffer, ref int written, ReadOnlySpan<char> part, bool first)
    {
        if (!first)
        {
            buffer[written++] = (byte)':';
        }

        written += Encoding.UTF8.GetBytes(part, buffer[written..]);
    }
}
