using System.Buffers.Binary;

namespace NatEdge.Proxy.Sip.Message;

/// <summary>
/// The one table of header names, compact forms included (RFC 3261 section 7.3.3, RFC 3265, RFC 3515,
/// RFC 4028). Names are case-insensitive; lookup dispatches on length, then compares ignoring case.
/// </summary>
public static class KnownHeaders
{
    /// <summary>The id of a header name, which must consist of token characters (as the parser guarantees).</summary>
    public static HeaderId Lookup(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 1:
                return LookupCompact(name[0]);
            case 2:
                return Is(name, "To"u8) ? HeaderId.To : HeaderId.Unknown;
            case 3:
                return Is(name, "Via"u8) ? HeaderId.Via : HeaderId.Unknown;
            case 4:
                if (Is(name, "From"u8)) return HeaderId.From;
                if (Is(name, "CSeq"u8)) return HeaderId.CSeq;
                if (Is(name, "Date"u8)) return HeaderId.Date;
                if (Is(name, "Path"u8)) return HeaderId.Path;
                return HeaderId.Unknown;
            case 5:
                if (Is(name, "Route"u8)) return HeaderId.Route;
                if (Is(name, "Allow"u8)) return HeaderId.Allow;
                if (Is(name, "Event"u8)) return HeaderId.Event;
                return HeaderId.Unknown;
            case 6:
                if (Is(name, "Accept"u8)) return HeaderId.Accept;
                if (Is(name, "Server"u8)) return HeaderId.Server;
                return HeaderId.Unknown;
            case 7:
                if (Is(name, "Call-ID"u8)) return HeaderId.CallId;
                if (Is(name, "Contact"u8)) return HeaderId.Contact;
                if (Is(name, "Expires"u8)) return HeaderId.Expires;
                if (Is(name, "Require"u8)) return HeaderId.Require;
                if (Is(name, "Subject"u8)) return HeaderId.Subject;
                if (Is(name, "Warning"u8)) return HeaderId.Warning;
                return HeaderId.Unknown;
            case 8:
                return Is(name, "Refer-To"u8) ? HeaderId.ReferTo : HeaderId.Unknown;
            case 9:
                if (Is(name, "Supported"u8)) return HeaderId.Supported;
                if (Is(name, "Timestamp"u8)) return HeaderId.Timestamp;
                return HeaderId.Unknown;
            case 10:
                return Is(name, "User-Agent"u8) ? HeaderId.UserAgent : HeaderId.Unknown;
            case 11:
                if (Is(name, "Unsupported"u8)) return HeaderId.Unsupported;
                if (Is(name, "Min-Expires"u8)) return HeaderId.MinExpires;
                if (Is(name, "Referred-By"u8)) return HeaderId.ReferredBy;
                if (Is(name, "Retry-After"u8)) return HeaderId.RetryAfter;
                return HeaderId.Unknown;
            case 12:
                if (Is(name, "Max-Forwards"u8)) return HeaderId.MaxForwards;
                if (Is(name, "Content-Type"u8)) return HeaderId.ContentType;
                if (Is(name, "Record-Route"u8)) return HeaderId.RecordRoute;
                if (Is(name, "Allow-Events"u8)) return HeaderId.AllowEvents;
                return HeaderId.Unknown;
            case 13:
                if (Is(name, "Authorization"u8)) return HeaderId.Authorization;
                if (Is(name, "Proxy-Require"u8)) return HeaderId.ProxyRequire;
                return HeaderId.Unknown;
            case 14:
                return Is(name, "Content-Length"u8) ? HeaderId.ContentLength : HeaderId.Unknown;
            case 15:
                return Is(name, "Session-Expires"u8) ? HeaderId.SessionExpires : HeaderId.Unknown;
            case 16:
                if (Is(name, "WWW-Authenticate"u8)) return HeaderId.WwwAuthenticate;
                if (Is(name, "Content-Encoding"u8)) return HeaderId.ContentEncoding;
                return HeaderId.Unknown;
            case 18:
                return Is(name, "Proxy-Authenticate"u8) ? HeaderId.ProxyAuthenticate : HeaderId.Unknown;
            case 19:
                if (Is(name, "Proxy-Authorization"u8)) return HeaderId.ProxyAuthorization;
                if (Is(name, "Authentication-Info"u8)) return HeaderId.AuthenticationInfo;
                return HeaderId.Unknown;
            default:
                return HeaderId.Unknown;
        }
    }

    /// <summary>The long form of a known header's name, used when the proxy writes one.</summary>
    public static ReadOnlySpan<byte> GetName(HeaderId id) => id switch
    {
        HeaderId.Via => "Via"u8,
        HeaderId.From => "From"u8,
        HeaderId.To => "To"u8,
        HeaderId.CallId => "Call-ID"u8,
        HeaderId.CSeq => "CSeq"u8,
        HeaderId.MaxForwards => "Max-Forwards"u8,
        HeaderId.ContentLength => "Content-Length"u8,
        HeaderId.ContentType => "Content-Type"u8,
        HeaderId.ContentEncoding => "Content-Encoding"u8,
        HeaderId.Contact => "Contact"u8,
        HeaderId.Route => "Route"u8,
        HeaderId.RecordRoute => "Record-Route"u8,
        HeaderId.Path => "Path"u8,
        HeaderId.Authorization => "Authorization"u8,
        HeaderId.ProxyAuthorization => "Proxy-Authorization"u8,
        HeaderId.WwwAuthenticate => "WWW-Authenticate"u8,
        HeaderId.ProxyAuthenticate => "Proxy-Authenticate"u8,
        HeaderId.AuthenticationInfo => "Authentication-Info"u8,
        HeaderId.Expires => "Expires"u8,
        HeaderId.MinExpires => "Min-Expires"u8,
        HeaderId.Require => "Require"u8,
        HeaderId.ProxyRequire => "Proxy-Require"u8,
        HeaderId.Supported => "Supported"u8,
        HeaderId.Unsupported => "Unsupported"u8,
        HeaderId.Allow => "Allow"u8,
        HeaderId.AllowEvents => "Allow-Events"u8,
        HeaderId.Accept => "Accept"u8,
        HeaderId.Subject => "Subject"u8,
        HeaderId.Date => "Date"u8,
        HeaderId.Event => "Event"u8,
        HeaderId.ReferTo => "Refer-To"u8,
        HeaderId.ReferredBy => "Referred-By"u8,
        HeaderId.SessionExpires => "Session-Expires"u8,
        HeaderId.UserAgent => "User-Agent"u8,
        HeaderId.Server => "Server"u8,
        HeaderId.Timestamp => "Timestamp"u8,
        HeaderId.Warning => "Warning"u8,
        HeaderId.RetryAfter => "Retry-After"u8,
        _ => [],
    };

    // RFC 3261 7.3.3 (i m e l c f s k t v), RFC 3265 (o u), RFC 3515 (r), RFC 3892 (b), RFC 4028 (x).
    private static HeaderId LookupCompact(byte letter) => (letter | 0x20) switch
    {
        'v' => HeaderId.Via,
        'f' => HeaderId.From,
        't' => HeaderId.To,
        'i' => HeaderId.CallId,
        'm' => HeaderId.Contact,
        'l' => HeaderId.ContentLength,
        'c' => HeaderId.ContentType,
        'e' => HeaderId.ContentEncoding,
        'k' => HeaderId.Supported,
        's' => HeaderId.Subject,
        'o' => HeaderId.Event,
        'u' => HeaderId.AllowEvents,
        'r' => HeaderId.ReferTo,
        'b' => HeaderId.ReferredBy,
        'x' => HeaderId.SessionExpires,
        _ => HeaderId.Unknown,
    };

    /// <summary>
    /// Case-insensitive compare of a header name (token characters only, RFC 3261 7.3.1) with a known
    /// name, a machine word at a time. Setting bit 0x20 lower-cases a letter, and no other token
    /// character becomes a letter or "-" that way, so the compare is exact for token input.
    /// </summary>
    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> known)
    {
        const ulong lower8 = 0x2020202020202020;
        const uint lower4 = 0x20202020;
        int i = 0;
        for (; i + 8 <= name.Length; i += 8)
        {
            if ((BinaryPrimitives.ReadUInt64LittleEndian(name[i..]) | lower8) != (BinaryPrimitives.ReadUInt64LittleEndian(known[i..]) | lower8))
            {
                return false;
            }
        }

        if (i + 4 <= name.Length)
        {
            if ((BinaryPrimitives.ReadUInt32LittleEndian(name[i..]) | lower4) != (BinaryPrimitives.ReadUInt32LittleEndian(known[i..]) | lower4))
            {
                return false;
            }

            i += 4;
        }

        for (; i < name.Length; i++)
        {
            if ((name[i] | 0x20) != (known[i] | 0x20))
            {
                return false;
            }
        }

        return true;
    }
}
