namespace NatEdge.Proxy.Routing.Binding;

/// <summary>The database URL forms NatEdge understands (DESIGN.md, Storage).</summary>
internal static class DbUrlSyntax
{
    public const string Hint = "write mysql://user:password@host[:port]/database or sqlite:PATH";

    /// <returns>Null when the URL is well formed, else what is wrong.</returns>
    public static string? Check(string url)
    {
        if (url.StartsWith("sqlite:", StringComparison.Ordinal))
        {
            return url.Length > "sqlite:".Length ? null : "the SQLite file path is missing";
        }

        if (!url.StartsWith("mysql://", StringComparison.Ordinal))
        {
            return "only mysql:// and sqlite: URLs are supported";
        }

        var rest = url["mysql://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == rest.Length - 1)
        {
            return "the database name is missing";
        }

        var authority = rest[..slash];
        var at = authority.LastIndexOf('@');
        var hostPart = at >= 0 ? authority[(at + 1)..] : authority;
        return hostPart.Length == 0 ? "the host is missing" : null;
    }
}
