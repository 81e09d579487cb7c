using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// A sip_asymmetrics or rtp_asymmetrics file of the SER mediaproxy module: one User-Agent pattern per
/// line (POSIX extended regular expressions, matched case-insensitively), '#' comments and blank lines
/// ignored. A client on the SIP list sends from a port other than the one it listens on, so its Contact
/// port is kept and its source port is not taken as a sign of NAT; a client on the RTP list does the same
/// with media. The file is re-read when its modification time changes, looked at no more often than every
/// <see cref="RecheckInterval"/>; a missing or unreadable file is an empty list, as in SER.
/// </summary>
/// <remarks>Thread-safe: readers see one immutable pattern array; a reload swaps it whole.</remarks>
public sealed class AsymmetricClients
{
    /// <summary>The SER module's own recheck period.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(5);

    private static readonly ConcurrentDictionary<string, AsymmetricClients> Shared = new(StringComparer.Ordinal);

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly Lock _reload = new();
    private Regex[] _patterns = [];
    private DateTime _loadedWriteTime = DateTime.MinValue;
    private long _nextCheck;

    public AsymmetricClients(string path, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(time);
        _path = path;
        _time = time;
        _nextCheck = long.MinValue;
    }

    /// <summary>One list per file for the whole process, so every script call reads the same cache.</summary>
    public static AsymmetricClients For(string path) => Shared.GetOrAdd(path, static p => new AsymmetricClients(p, TimeProvider.System));

    public string Path => _path;

    /// <summary>The patterns now in force (re-reading the file first when it is due).</summary>
    public int Count
    {
        get
        {
            Refresh();
            return _patterns.Length;
        }
    }

    public bool IsMatch(ReadOnlySpan<char> userAgent)
    {
        Refresh();
        foreach (var pattern in Volatile.Read(ref _patterns))
        {
            if (pattern.IsMatch(userAgent))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The User-Agent (requests) or Server (replies) header of a message, as UTF-8.</summary>
    public bool IsMatch(ReadOnlySpan<byte> userAgent)
    {
        if (userAgent.IsEmpty)
        {
            return false;
        }

        const int StackLimit = 256;
        int maximum = Encoding.UTF8.GetMaxCharCount(userAgent.Length);
        Span<char> chars = maximum <= StackLimit ? stackalloc char[StackLimit] : new char[maximum];
        int count = Encoding.UTF8.GetChars(userAgent, chars);
        return IsMatch(chars[..count]);
    }

    private void Refresh()
    {
        long now = _time.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck))
        {
            return;
        }

        lock (_reload)
        {
            if (now < _nextCheck)
            {
                return;
            }

            _nextCheck = now + (long)(RecheckInterval.TotalSeconds * _time.TimestampFrequency);
            DateTime written = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
            if (written == _loadedWriteTime)
            {
                return;
            }

            _loadedWriteTime = written;
            Volatile.Write(ref _patterns, written == DateTime.MinValue ? [] : Load(_path));
        }
    }

    private static Regex[] Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }

        var patterns = new List<Regex>(lines.Length);
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            try
            {
                patterns.Add(new Regex(line, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException)
            {
                // SER skips a line regcomp rejects and keeps the rest.
            }
        }

        return [.. patterns];
    }
}
