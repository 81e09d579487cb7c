using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// Stateless digest nonces. A nonce is base64url of 30 bytes (a multiple of 3, so every character
/// carries data and no two spellings decode alike):
/// <c>issued (8, unix ms, big-endian) | sequence (4) | HMAC-SHA256(secret, first 12 bytes) truncated to 18</c>.
/// The timestamp lets a nonce expire without any table; the HMAC makes one impossible to forge
/// without the secret. The optional single-use check needs one bit per nonce: a ring of
/// <see cref="SingleUseWindow"/> bits indexed by sequence number (Kamailio's nid pool idea), so
/// a nonce issued more than that many nonces ago can no longer be told apart and counts as used.
/// Thread-safe and lock-free.
/// </summary>
public sealed class NonceService
{
    public const int NonceLength = 40;
    public const int SingleUseWindow = 1 << 20;

    private const int PayloadLength = 12;
    private const int MacLength = 18;
    private const int RawLength = PayloadLength + MacLength;

    /// <summary>A nonce from a clock slightly ahead (several proxies, one secret) is still accepted.</summary>
    private static readonly TimeSpan ClockSkewTolerance = TimeSpan.FromSeconds(5);

    private readonly byte[] _secret;
    private readonly TimeProvider _time;
    private readonly long[] _usedBits = new long[SingleUseWindow / 64];
    private int _sequence;

    /// <param name="secret">auth's <c>secret</c> modparam as bytes; null draws a random per-process secret.</param>
    /// <param name="expiry">auth's <c>nonce_expire</c>; SER's default is 300 s.</param>
    public NonceService(TimeProvider time, TimeSpan expiry, ReadOnlySpan<byte> secret = default)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(expiry, TimeSpan.Zero);
        _time = time;
        Expiry = expiry;
        _secret = secret.IsEmpty ? RandomNumberGenerator.GetBytes(32) : secret.ToArray();
        _sequence = RandomNumberGenerator.GetInt32(int.MaxValue);
    }

    public TimeSpan Expiry { get; }

    public string Issue()
    {
        Span<char> nonce = stackalloc char[NonceLength];
        Issue(nonce);
        return new string(nonce);
    }

    /// <summary>Writes a fresh nonce of <see cref="NonceLength"/> characters.</summary>
    public void Issue(Span<char> destination)
    {
        var sequence = (uint)Interlocked.Increment(ref _sequence);
        MarkUnused(sequence);
        Span<byte> raw = stackalloc byte[RawLength];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32BigEndian(raw[8..], sequence);
        Sign(raw);
        Base64Url.EncodeToChars(raw, destination);
    }

    /// <summary>Checks authenticity and age; <paramref name="sequence"/> is for <see cref="TryConsume"/>.</summary>
    public NonceStatus Check(ReadOnlySpan<char> nonce, out uint sequence)
    {
        sequence = 0;
        Span<byte> raw = stackalloc byte[RawLength];
        if (nonce.Length != NonceLength ||
            Base64Url.DecodeFromChars(nonce, raw, out _, out var length) != System.Buffers.OperationStatus.Done ||
            length != RawLength)
        {
            return NonceStatus.Invalid;
        }

        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, raw[..PayloadLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected[..MacLength], raw[PayloadLength..]))
        {
            return NonceStatus.Invalid;
        }

        var issued = BinaryPrimitives.ReadInt64BigEndian(raw);
        sequence = BinaryPrimitives.ReadUInt32BigEndian(raw[8..]);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (issued - now > (long)ClockSkewTolerance.TotalMilliseconds)
        {
            return NonceStatus.Invalid;
        }

        return now - issued > (long)Expiry.TotalMilliseconds ? NonceStatus.Stale : NonceStatus.Valid;
    }

    /// <summary>
    /// Marks the nonce with this sequence number as used. False when it was used before, or is
    /// too old for the window to remember.
    /// </summary>
    public bool TryConsume(uint sequence)
    {
        var current = (uint)Volatile.Read(ref _sequence);
        if (unchecked(current - sequence) >= SingleUseWindow)
        {
            return false;
        }

        var slot = sequence % SingleUseWindow;
        var bit = 1L << (int)(slot % 64);
        return (Interlocked.Or(ref _usedBits[slot / 64], bit) & bit) == 0;
    }

    private void MarkUnused(uint sequence)
    {
        var slot = sequence % SingleUseWindow;
        Interlocked.And(ref _usedBits[slot / 64], ~(1L << (int)(slot % 64)));
    }

    private void Sign(Span<byte> raw)
    {
        Span<byte> mac = stackalloc byte[SHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, raw[..PayloadLength], mac);
        mac[..MacLength].CopyTo(raw[PayloadLength..]);
    }
}
