using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>How <see cref="ContactFixer.Fix"/> treats the Contact's port.</summary>
public enum ContactPortRule
{
    /// <summary>fix_nated_contact: the source port replaces the Contact's.</summary>
    SourcePort,

    /// <summary>fix_contact for a SIP-asymmetric client: its Contact port is right, only the host is NATed.</summary>
    KeepContactPort,
}

/// <summary>
/// fix_nated_contact and fix_contact: the first Contact URI's host:port becomes the packet's source,
/// recorded as one splice over host and port, so user, parameters and every other byte go out as
/// received. Works on requests and replies alike (a NATed callee's 200 OK).
/// </summary>
public static class ContactFixer
{
    /// <returns>False when there is no SIP Contact, the Contact names a transport other than UDP, or it was fixed already.</returns>
    public static bool Fix(SipMessage message, in ReceiveInfo received, ContactPortRule rule = ContactPortRule.SourcePort)
    {
        if (!NatDetector.TryGetFirstContactUri(message, out var uri) || NamesStreamTransport(message, uri))
        {
            return false;
        }

        int start = uri.Host.Offset;
        int end = PortEnd(message.Span, uri.Host.End);
        if (AlreadyEdited(message, start, end))
        {
            return false;
        }

        Span<byte> text = stackalloc byte[SourceAddressText.MaxLength + 6];
        int length = SourceAddressText.Format(received, text, withPort: rule == ContactPortRule.SourcePort);
        if (rule == ContactPortRule.KeepContactPort && end > uri.Host.End)
        {
            message.Span[uri.Host.End..end].CopyTo(text[length..]);
            length += end - uri.Host.End;
        }

        message.Edits.Replace(start, end - start, text[..length]);
        return true;
    }

    /// <summary>The end of ":port" after the host, or the host's end when no port is written.</summary>
    private static int PortEnd(ReadOnlySpan<byte> text, int hostEnd)
    {
        if (hostEnd >= text.Length || text[hostEnd] != ':')
        {
            return hostEnd;
        }

        int end = hostEnd + 1;
        while (end < text.Length && text[end] is >= (byte)'0' and <= (byte)'9')
        {
            end++;
        }

        return end;
    }

    /// <summary>SER fixes UDP and transport-less contacts only; a TCP or TLS contact is reached over its connection.</summary>
    private static bool NamesStreamTransport(SipMessage message, SipUri uri)
    {
        if (uri.Scheme == UriScheme.Sips)
        {
            return true;
        }

        ReadOnlySpan<byte> parameters = message[uri.Parameters];
        int at = IndexOfIgnoreCase(parameters, "transport="u8);
        if (at < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> value = parameters[(at + "transport="u8.Length)..];
        int stop = value.IndexOfAny((byte)';', (byte)'?', (byte)'>');
        value = stop >= 0 ? value[..stop] : value;
        return !System.Text.Ascii.EqualsIgnoreCase(value, "udp"u8);
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> needle)
    {
        for (int i = 0; i + needle.Length <= text.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(i, needle.Length), needle))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>"May be called once per message": a second call would overlap the first splice.</summary>
    private static bool AlreadyEdited(SipMessage message, int start, int end)
    {
        if (!message.HasEdits)
        {
            return false;
        }

        var edits = message.Edits;
        for (int i = 0; i < edits.Count; i++)
        {
            var splice = edits[i];
            if (splice.Offset < end && splice.End > start)
            {
                return true;
            }
        }

        return false;
    }
}
