using System.Globalization;
using System.Text;

namespace NatEdge.Proxy.Modules.Dialog;

/// <summary>Writes an <see cref="InDialogBye"/> as it goes on the wire, with this proxy's Via on top (RFC 3261 sections 8.1.1 and 12.2.1.1).</summary>
public static class InDialogByeWriter
{
    /// <summary>RFC 3261 section 8.1.1.6.</summary>
    public const int MaxForwards = 70;

    /// <param name="viaTransport">The Via protocol token of the socket it leaves on (UDP, TCP).</param>
    /// <param name="viaSentBy">That socket's host:port.</param>
    /// <param name="branch">A fresh branch starting with the magic cookie z9hG4bK (section 8.1.1.7).</param>
    public static byte[] Write(InDialogBye bye, ReadOnlySpan<byte> viaTransport, ReadOnlySpan<byte> viaSentBy, string branch)
    {
        ArgumentNullException.ThrowIfNull(bye);
        var text = new StringBuilder(512)
            .Append(CultureInfo.InvariantCulture, $"BYE {bye.RequestUri} SIP/2.0\r\n")
            .Append(CultureInfo.InvariantCulture, $"Via: SIP/2.0/{Encoding.ASCII.GetString(viaTransport)} {Encoding.ASCII.GetString(viaSentBy)};branch={branch};rport\r\n")
            .Append(CultureInfo.InvariantCulture, $"Max-Forwards: {MaxForwards}\r\n");
        foreach (var route in bye.Route)
        {
            text.Append(CultureInfo.InvariantCulture, $"Route: {route}\r\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"From: {bye.From}\r\n")
            .Append(CultureInfo.InvariantCulture, $"To: {bye.To}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Call-ID: {bye.CallId}\r\n")
            .Append(CultureInfo.InvariantCulture, $"CSeq: {bye.CSeq} BYE\r\n")
            .Append("Content-Length: 0\r\n\r\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
