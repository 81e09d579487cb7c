using System.Globalization;
using System.Text;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>
/// The Contact lines of a REGISTER's 200 OK (RFC 3261 10.3 step 8): every current binding with
/// the seconds it has left, and its q when it is not the default 1.0.
/// </summary>
public static class ContactListWriter
{
    public static byte[] Write(IReadOnlyList<ContactBinding> bindings, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        var lines = new StringBuilder(bindings.Count * 96);
        foreach (var binding in bindings)
        {
            lines.Append("Contact: <").Append(binding.Contact).Append(">;expires=")
                .Append(Remaining(binding, utcNow).ToString(CultureInfo.InvariantCulture));
            if (binding.Q < 1.0f)
            {
                lines.Append(";q=").Append(binding.Q.ToString("0.0##", CultureInfo.InvariantCulture));
            }

            lines.Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(lines.ToString());
    }

    /// <summary>Whole seconds left, rounded up so a live binding never shows 0 (which means removed).</summary>
    public static long Remaining(ContactBinding binding, DateTime utcNow)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (binding.IsPermanent)
        {
            return int.MaxValue;
        }

        var left = (binding.Expires - utcNow).TotalSeconds;
        return Math.Max(1, (long)Math.Ceiling(left));
    }
}
