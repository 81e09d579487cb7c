namespace NatEdge.Proxy.Ctl;

/// <summary>A <c>USER@DOMAIN</c> argument of ctl.</summary>
public readonly record struct AccountName(string User, string Domain)
{
    private static readonly System.Buffers.SearchValues<char> NotInAccount = System.Buffers.SearchValues.Create(" \t:;<>\"");

    public static bool TryParse(string? text, out AccountName account)
    {
        account = default;
        var value = (text ?? "").Trim();
        if (value.StartsWith("sip:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == value.Length - 1 || value.IndexOf('@', at + 1) >= 0 || value.AsSpan().IndexOfAny(NotInAccount) >= 0)
        {
            return false;
        }

        account = new AccountName(value[..at], value[(at + 1)..]);
        return true;
    }

    public override string ToString() => User + "@" + Domain;
}
