namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Finds the host and port of a SIP URI (RFC 3261 19.1.1: scheme ":" [userinfo "@"] hostport
/// [;params] [?headers]) without copying; enough for the myself test.
/// </summary>
internal static class UriHostPort
{
    /// <param name="port">The explicit port, or 0 when the URI has none.</param>
    public static bool TryParse(ReadOnlySpan<byte> uri, out ReadOnlySpan<byte> host, out int port)
    {
        host = default;
        port = 0;
        var colon = uri.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var rest = uri[(colon + 1)..];
        var headers = rest.IndexOf((byte)'?');
        if (headers >= 0)
        {
            rest = rest[..headers];
        }

        var at = rest.LastIndexOf((byte)'@');
        if (at >= 0)
        {
            rest = rest[(at + 1)..];
        }

        var parameters = rest.IndexOf((byte)';');
        if (parameters >= 0)
        {
            rest = rest[..parameters];
        }

        ReadOnlySpan<byte> portText;
        if (!rest.IsEmpty && rest[0] == (byte)'[')
        {
            var close = rest.IndexOf((byte)']');
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            portText = rest[(close + 1)..];
        }
        else
        {
            var portColon = rest.IndexOf((byte)':');
            host = portColon >= 0 ? rest[..portColon] : rest;
            portText = portColon >= 0 ? rest[portColon..] : default;
        }

        if (!portText.IsEmpty)
        {
            if (portText[0] != (byte)':' || !System.Buffers.Text.Utf8Parser.TryParse(portText[1..], out port, out var consumed) || consumed != portText.Length - 1)
            {
                return false;
            }
        }

        return !host.IsEmpty;
    }

    /// <summary>The default port of a URI's scheme: 5061 for sips, else 5060 (RFC 3261 19.1.2).</summary>
    public static int DefaultPort(ReadOnlySpan<byte> uri) =>
        uri.Length >= 5 && System.Text.Ascii.EqualsIgnoreCase(uri[..5], "sips:"u8) ? 5061 : 5060;
}
