namespace NatEdge.Proxy.Storage.Repositories;

/// <summary>Splits an address-of-record into the <c>username</c> and <c>domain</c> columns.</summary>
public static class Aor
{
    public static (string Username, string Domain) Split(string aor)
    {
        ArgumentNullException.ThrowIfNull(aor);
        var at = aor.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (aor, "") : (aor[..at], aor[(at + 1)..]);
    }

    public static string Join(string username, string? domain) =>
        string.IsNullOrEmpty(domain) ? username : username + "@" + domain;
}
