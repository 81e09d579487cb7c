using System.Globalization;

namespace NatEdge.Proxy.Storage;

/// <summary>Which store a <c>db_url</c> selects (DESIGN.md, Storage).</summary>
public enum DbBackend
{
    /// <summary>No database: usrloc keeps contacts in memory (db_mode 0).</summary>
    None,
    MySql,
    Sqlite,
}

/// <summary>Why a <c>db_url</c> was refused; each value has one message in <see cref="DbUrl.Describe"/>.</summary>
public enum DbUrlError
{
    None,
    UnknownScheme,
    MissingUser,
    MissingHost,
    BadHost,
    BadPort,
    MissingDatabase,
    BadDatabase,
    MissingPath,
}

/// <summary>
/// A parsed <c>db_url</c>: <c>mysql://user:pass@host[:port]/db</c>, <c>sqlite:PATH</c>, or none
/// (empty, or the word <c>none</c>). The password may contain ':' and '@': the user part ends
/// at the first ':' and the credentials at the last '@', as SER's db_mysql splits them.
/// </summary>
public sealed record DbUrl
{
    /// <summary>MySQL's registered port, used when the URL names none.</summary>
    public const int DefaultMySqlPort = 3306;

    private static readonly System.Buffers.SearchValues<char> NotInHost = System.Buffers.SearchValues.Create(" \t/?#[]");
    private static readonly System.Buffers.SearchValues<char> NotInDatabase = System.Buffers.SearchValues.Create("/? \t");

    public static DbUrl NoDatabase { get; } = new() { Backend = DbBackend.None };

    public DbBackend Backend { get; init; }
    public string User { get; init; } = "";
    public string Password { get; init; } = "";
    public string Host { get; init; } = "";
    public int Port { get; init; }
    public string Database { get; init; } = "";

    /// <summary>The SQLite file path for <see cref="DbBackend.Sqlite"/>.</summary>
    public string Path { get; init; } = "";

    public static bool TryParse(string? text, out DbUrl url, out DbUrlError error)
    {
        url = NoDatabase;
        error = DbUrlError.None;
        var value = (text ?? "").Trim();
        if (value.Length == 0 || value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseSqlite(value["sqlite:".Length..], out url, out error);
        }

        if (value.StartsWith("mysql://", StringComparison.OrdinalIgnoreCase))
        {
            return TryParseMySql(value["mysql://".Length..], out url, out error);
        }

        error = DbUrlError.UnknownScheme;
        return false;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with the message of <see cref="Describe"/>.</summary>
    public static DbUrl Parse(string? text) =>
        TryParse(text, out var url, out var error) ? url : throw new FormatException(Describe(error, text));

    /// <summary>The forms a db_url may take, for hints next to an error.</summary>
    public const string Forms = "write mysql://user:password@host[:port]/database or sqlite:PATH";

    /// <summary>The error with the URL it refused, password hidden.</summary>
    public static string Describe(DbUrlError error, string? text) => $"db_url '{Redact(text)}': {Problem(error)}";

    /// <summary>What is wrong, in one phrase; the one place each error gets its words.</summary>
    public static string Problem(DbUrlError error) => error switch
    {
        DbUrlError.None => "valid",
        DbUrlError.UnknownScheme => "unknown scheme; use mysql://user:pass@host[:port]/db or sqlite:PATH",
        DbUrlError.MissingUser => "no user; use mysql://user:pass@host[:port]/db",
        DbUrlError.MissingHost => "no host",
        DbUrlError.BadHost => "the host is not a name or an address",
        DbUrlError.BadPort => "the port must be a number from 1 to 65535",
        DbUrlError.MissingDatabase => "no database name after the host",
        DbUrlError.BadDatabase => "the database name may not contain '/', '?' or spaces",
        DbUrlError.MissingPath => "sqlite: needs a file path",
        _ => "invalid",
    };

    /// <summary>The URL as it may be printed: the password is never shown.</summary>
    public override string ToString() => Backend switch
    {
        DbBackend.MySql => string.Create(
            CultureInfo.InvariantCulture,
            $"mysql://{User}@{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}/{Database}"),
        DbBackend.Sqlite => "sqlite:" + Path,
        _ => "none",
    };

    private static bool TryParseSqlite(string rest, out DbUrl url, out DbUrlError error)
    {
        url = NoDatabase;
        // sqlite:///abs/file and sqlite:/abs/file name the same file.
        var path = rest.StartsWith("//", StringComparison.Ordinal) ? rest[2..] : rest;
        if (path.Length == 0)
        {
            error = DbUrlError.MissingPath;
            return false;
        }

        error = DbUrlError.None;
        url = new DbUrl { Backend = DbBackend.Sqlite, Path = path };
        return true;
    }

    private static bool TryParseMySql(string rest, out DbUrl url, out DbUrlError error)
    {
        url = NoDatabase;
        // The credentials end at the last '@', so a password may hold '/', ':' or '@'.
        var at = rest.LastIndexOf('@');
        if (at <= 0)
        {
            error = DbUrlError.MissingUser;
            return false;
        }

        var slash = rest.IndexOf('/', at + 1);
        var authority = slash < 0 ? rest : rest[..slash];
        var database = slash < 0 ? "" : rest[(slash + 1)..];

        var credentials = authority[..at];
        var hostPort = authority[(at + 1)..];
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        var user = colon < 0 ? credentials : credentials[..colon];
        var password = colon < 0 ? "" : credentials[(colon + 1)..];
        if (user.Length == 0)
        {
            error = DbUrlError.MissingUser;
            return false;
        }

        if (!TrySplitHostPort(hostPort, out var host, out var port, out error))
        {
            return false;
        }

        if (database.Length == 0)
        {
            error = DbUrlError.MissingDatabase;
            return false;
        }

        if (database.AsSpan().IndexOfAny(NotInDatabase) >= 0)
        {
            error = DbUrlError.BadDatabase;
            return false;
        }

        url = new DbUrl
        {
            Backend = DbBackend.MySql,
            User = user,
            Password = password,
            Host = host,
            Port = port,
            Database = database,
        };
        return true;
    }

    private static bool TrySplitHostPort(string hostPort, out string host, out int port, out DbUrlError error)
    {
        host = "";
        port = DefaultMySqlPort;
        error = DbUrlError.None;
        string portText;
        if (hostPort.StartsWith('['))
        {
            var close = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = DbUrlError.BadHost;
                return false;
            }

            host = hostPort[1..close];
            var after = hostPort[(close + 1)..];
            if (after.Length > 0 && after[0] != ':')
            {
                error = DbUrlError.BadHost;
                return false;
            }

            portText = after.Length > 0 ? after[1..] : "";
            if (!System.Net.IPAddress.TryParse(host, out _))
            {
                error = DbUrlError.BadHost;
                return false;
            }
        }
        else
        {
            var colon = hostPort.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? hostPort : hostPort[..colon];
            portText = colon < 0 ? "" : hostPort[(colon + 1)..];
            if (host.AsSpan().IndexOfAny(NotInHost) >= 0)
            {
                error = DbUrlError.BadHost;
                return false;
            }
        }

        if (host.Length == 0)
        {
            error = DbUrlError.MissingHost;
            return false;
        }

        if (hostPort.EndsWith(':') ||
            (portText.Length > 0 &&
             (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)))
        {
            error = DbUrlError.BadPort;
            return false;
        }

        return true;
    }

    private static string Redact(string? text)
    {
        var value = text ?? "";
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        var at = value.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return value;
        }

        var colon = value.IndexOf(':', scheme + 3);
        return colon < 0 || colon > at ? value : string.Concat(value.AsSpan(0, colon + 1), "***", value.AsSpan(at));
    }
}
