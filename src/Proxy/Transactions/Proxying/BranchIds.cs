using System.Security.Cryptography;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// Via branches this proxy puts on forwarded requests (RFC 3261 sections 8.1.1.7 and 16.6 step 8):
/// the magic cookie, a hash of the incoming request's transaction key, and the branch number. The
/// same request always gets the same branch, so a retransmission forwarded statelessly (an ACK for a
/// 2xx) keeps its branch, and a CANCEL is sent with the branch of the INVITE it cancels (section 9.1)
/// simply by reusing it. The hash is keyed by a secret drawn at start so branches are not guessable.
/// </summary>
public static class BranchIds
{
    /// <summary>"z9hG4bK" + 16 hex digits + "." + up to 10 digits.</summary>
    public const int MaxLength = 7 + 16 + 1 + 10;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;
    private static readonly ulong Secret = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    public static int Write(ReadOnlySpan<byte> transactionKey, int branchNumber, Span<byte> destination)
    {
        TransactionKey.MagicCookie.CopyTo(destination);
        var hash = Hash(transactionKey);
        var written = TransactionKey.MagicCookie.Length;
        for (var shift = 60; shift >= 0; shift -= 4)
        {
            destination[written++] = (byte)"0123456789abcdef"[(int)((hash >> shift) & 0xF)];
        }

        destination[written++] = (byte)'.';
        branchNumber.TryFormat(destination[written..], out var digits, default, System.Globalization.CultureInfo.InvariantCulture);
        return written + digits;
    }

    public static byte[] Create(ReadOnlySpan<byte> transactionKey, int branchNumber)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..Write(transactionKey, branchNumber, buffer)].ToArray();
    }

    private static ulong Hash(ReadOnlySpan<byte> key)
    {
        // FNV-1a over the secret then the key: cheap, and the secret makes it unpredictable.
        var hash = FnvOffset;
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(Secret >> (i * 8))) * FnvPrime;
        }

        foreach (var b in key)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }
}
