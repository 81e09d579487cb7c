using System.Text;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>The path of an HTTP/1.x request line (RFC 9112 §3), without its query; null for anything else.</summary>
internal static class HttpRequestLine
{
    public static string? Path(ReadOnlySpan<byte> request)
    {
        var lineEnd = request.IndexOf((byte)'\n');
        if (lineEnd < 0) return null;
        var line = request[..lineEnd].TrimEnd((byte)'\r');
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0 || !line[..firstSpace].SequenceEqual("GET"u8)) return null;
        var target = line[(firstSpace + 1)..];
        var secondSpace = target.IndexOf((byte)' ');
        if (secondSpace <= 0) return null;
        target = target[..secondSpace];
        var query = target.IndexOf((byte)'?');
        if (query >= 0) target = target[..query];
        return target.Length > 0 && target[0] == (byte)'/' ? Encoding.ASCII.GetString(target) : null;
    }
}
