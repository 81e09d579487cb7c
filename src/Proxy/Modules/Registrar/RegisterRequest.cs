using System.Net;
using System.Text;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>One Contact of a REGISTER with the expiry and preference it asks for.</summary>
public readonly record struct RequestedContact(string Uri, long Expires, float Q);

/// <summary>
/// What save() needs from a REGISTER, copied out of the message before the store is awaited
/// (RFC 3261 10.3 steps 5-7): the address-of-record, the contacts with their requested expiry,
/// whether it is <c>Contact: *</c>, Call-ID, CSeq, User-Agent and where it came from.
/// </summary>
public sealed record RegisterRequest
{
    public required string Aor { get; init; }

    public required IReadOnlyList<RequestedContact> Contacts { get; init; }

    public bool IsWildcard { get; init; }

    /// <summary>The Expires header, or -1 when absent.</summary>
    public long ExpiresHeader { get; init; } = -1;

    public required string CallId { get; init; }

    public int CSeq { get; init; }

    public string UserAgent { get; init; } = "";

    /// <summary>The packet's source as a URI (<c>sip:ip:port[;transport=tcp]</c>).</summary>
    public required string Received { get; init; }

    /// <summary>The local socket the REGISTER came in on, <c>proto:ip:port</c>.</summary>
    public required string Socket { get; init; }

    /// <summary>Reads a REGISTER; the error says which part is unusable.</summary>
    public static RegistrarError TryRead(SipMessage message, in ReceiveInfo received, bool useDomain, out RegisterRequest? request)
    {
        ArgumentNullException.ThrowIfNull(message);
        request = null;
        if (!message.TryGetTo(out var to) || !to.ParsedUri.IsSipOrSips || to.ParsedUri.User.IsEmpty || !to.ParsedUri.User.IsPresent)
        {
            return RegistrarError.BadAddressOfRecord;
        }

        var user = Encoding.UTF8.GetString(message[to.ParsedUri.User]);
        var aor = useDomain ? Storage.Repositories.Aor.Join(user, Encoding.UTF8.GetString(message[to.ParsedUri.Host]).ToLowerInvariant()) : user;
        long expiresHeader = message.TryGetExpires(out var expires) ? expires : -1;

        var contacts = new List<RequestedContact>();
        var wildcard = false;
        var enumerator = message.GetContacts();
        while (enumerator.MoveNext())
        {
            var contact = enumerator.Current;
            if (contact.IsWildcard)
            {
                wildcard = true;
                continue;
            }

            var q = contact.QualityThousandths >= 0 ? contact.QualityThousandths / 1000f : -1f;
            contacts.Add(new RequestedContact(Encoding.UTF8.GetString(message[contact.Uri]), contact.Expires, q));
        }

        if (enumerator.Malformed)
        {
            return RegistrarError.BadContact;
        }

        // RFC 3261 10.3 step 6: "*" only alone and only with Expires: 0.
        if (wildcard && (contacts.Count > 0 || expiresHeader != 0))
        {
            return RegistrarError.BadWildcard;
        }

        message.TryGetCSeq(out var cseq);
        var userAgentIndex = message.IndexOf(HeaderId.UserAgent);
        request = new RegisterRequest
        {
            Aor = aor,
            Contacts = contacts,
            IsWildcard = wildcard,
            ExpiresHeader = expiresHeader,
            CallId = Encoding.UTF8.GetString(message[message.CallId]),
            CSeq = (int)Math.Min(cseq.Number, int.MaxValue),
            UserAgent = userAgentIndex >= 0 ? RepeatedStrings.Registrar.Share(Encoding.UTF8.GetString(message[message.GetHeader(userAgentIndex).Value])) : "",
            Received = ReceivedUri(received),
            Socket = RepeatedStrings.Registrar.Share(SocketText(received)),
        };
        return RegistrarError.None;
    }

    private static string ReceivedUri(in ReceiveInfo received)
    {
        var address = new IPAddress(received.SourceAddressBytes);
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var transport = received.Protocol == TransportProtocol.Udp ? "" : ";transport=" + received.Protocol.ToString().ToLowerInvariant();
        return $"sip:{host}:{received.SourcePort}{transport}";
    }

    private static string SocketText(in ReceiveInfo received)
    {
        var local = received.Local;
        var host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString();
        return $"{received.Protocol.ToString().ToLowerInvariant()}:{host}:{local.Port}";
    }
}
