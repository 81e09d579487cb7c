using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// The SIP form of a keepalive (nathelper's natping_method): a stateless request to the Contact, which
/// the phone answers through the same NAT mapping. The answer is a stray response to the proxy and dropped.
/// </summary>
public sealed class NatPingRequest(string method)
{
    private long _sequence;

    public byte[] Build(NatPingTarget target)
    {
        long n = Interlocked.Increment(ref _sequence);
        var local = LocalHostPort(target.Socket);
        var id = n.ToString("x", CultureInfo.InvariantCulture);
        var text = new StringBuilder(256)
            .Append(method).Append(' ').Append(target.Contact).Append(" SIP/2.0\r\n")
            .Append("Via: SIP/2.0/UDP ").Append(local).Append(";branch=z9hG4bKnatping").Append(id).Append("\r\n")
            .Append("From: <sip:natping@").Append(local).Append(">;tag=natping").Append(id).Append("\r\n")
            .Append("To: <").Append(target.Contact).Append(">\r\n")
            .Append("Call-ID: natping-").Append(id).Append('@').Append(local).Append("\r\n")
            .Append("CSeq: 1 ").Append(method).Append("\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append("Content-Length: 0\r\n\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>"udp:198.18.0.1:5060" gives "198.18.0.1:5060"; no socket gives a placeholder the reply path ignores.</summary>
    private static string LocalHostPort(string? socket)
    {
        if (socket is null)
        {
            return "natedge.invalid";
        }

        int colon = socket.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? socket[(colon + 1)..] : socket;
    }
}
