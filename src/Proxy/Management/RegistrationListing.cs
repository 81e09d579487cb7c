using System.Globalization;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Management;

/// <summary>
/// How <c>ul show</c> prints registrations, the same whether ctl read them from the database or
/// from the running proxy: <c>AOR:</c>, then one indented line per binding.
/// </summary>
public static class RegistrationListing
{
    public static IEnumerable<string> Lines(IEnumerable<ContactBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        string? current = null;
        foreach (var binding in bindings)
        {
            if (!string.Equals(current, binding.Aor, StringComparison.OrdinalIgnoreCase))
            {
                current = binding.Aor;
                yield return $"{binding.Aor}:";
            }

            yield return Format(binding);
        }
    }

    /// <summary>One line per binding; times are absolute UTC so the output does not drift while it is read.</summary>
    public static string Format(ContactBinding binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var expires = binding.IsPermanent ? "permanent" : Timestamp(binding.Expires);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  <{binding.Contact}> q={binding.Q:0.00} expires={expires} callid={binding.CallId} cseq={binding.CSeq} " +
            $"flags={binding.Flags} received={binding.Received ?? "-"} socket={binding.Socket ?? "-"} user_agent=\"{binding.UserAgent}\"");
    }

    public static string Timestamp(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Added(string contact, string account, DateTime? expires) => expires is { } at
        ? $"added contact <{contact}> for {account}, expires={Timestamp(at)}"
        : $"added permanent contact <{contact}> for {account}";

    public static string RemovedAll(int count, string account) => string.Create(CultureInfo.InvariantCulture, $"removed {count} registration(s) of {account}");

    public static string RemovedOne(string contact, string account) => $"removed contact <{contact}> of {account}";

    public static string NoneFor(string account) => $"no registrations for {account}";

    public static string NoContact(string contact, string account) => $"no registration of <{contact}> for {account}";

    /// <summary>A sip: or sips: URI with nothing that would break a Contact header; null when it is fine.</summary>
    public static string? ContactProblem(string contact) =>
        (contact.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || contact.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)) &&
        contact.AsSpan().IndexOfAny(" \t<>\"") < 0
            ? null
            : $"expected a sip: or sips: URI, got '{contact}'";

    /// <summary>
    /// A binding made by hand (<c>ul add</c>): permanent without an expiry, as in serctl, with SER's
    /// default Call-ID; it replaces any binding of the same contact.
    /// </summary>
    public static ContactBinding Manual(string aor, string contact, DateTime? expires, DateTime now) => new()
    {
        Aor = aor,
        Contact = contact,
        Expires = expires ?? Storage.Schema.KamailioSchema.ForeverExpires,
        Flags = expires is null ? ContactBinding.PermanentFlag : 0,
        UserAgent = "natedge-proxy ctl",
        LastModified = now,
    };
}
