using System.Net;
using System.Text;
using NatEdge.Proxy.Modules.Registrar;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>One binding to keep open: where the pings go and which local socket they leave from.</summary>
public readonly record struct NatPingTarget(IPEndPoint Destination, string? Socket, string Contact)
{
    /// <summary>
    /// The address a binding's pings go to: the source its REGISTER came from (received) when there is one,
    /// else the Contact itself. Stream transports are kept open by their connection (RFC 5626 style CRLF),
    /// host names are not resolved, expired bindings are gone, and with <paramref name="natedOnly"/> only
    /// bindings saved with the NAT flag count.
    /// </summary>
    public static bool TryCreate(ContactBinding binding, bool natedOnly, DateTime utcNow, out NatPingTarget target)
    {
        ArgumentNullException.ThrowIfNull(binding);
        target = default;
        if (binding.IsExpiredAt(utcNow) || (natedOnly && (binding.Flags & RegistrarOptions.NatContactFlag) == 0))
        {
            return false;
        }

        var uri = string.IsNullOrEmpty(binding.Received) ? binding.Contact : binding.Received;
        if (IsStreamSocket(binding.Socket) || NamesStreamTransport(uri))
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(uri);
        if (!SipUriParser.TryParse(bytes, new TextRange(0, bytes.Length), out var parsed) || !parsed.IsSipOrSips)
        {
            return false;
        }

        Span<byte> address = stackalloc byte[16];
        if (!PrivateAddress.TryParse(parsed.Host.Of(bytes), address, out int length))
        {
            return false;
        }

        int port = parsed.Port > 0 ? parsed.Port : ResponseTargets.DefaultSipPort;
        target = new NatPingTarget(new IPEndPoint(new IPAddress(address[..length]), port), binding.Socket, binding.Contact);
        return true;
    }

    private static bool IsStreamSocket(string? socket) =>
        socket is not null && !socket.StartsWith("udp:", StringComparison.OrdinalIgnoreCase) && socket.Contains(':', StringComparison.Ordinal);

    private static bool NamesStreamTransport(string uri) =>
        uri.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)
        || (uri.Contains(";transport=", StringComparison.OrdinalIgnoreCase) && !uri.Contains(";transport=udp", StringComparison.OrdinalIgnoreCase));
}
