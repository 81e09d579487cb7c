using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatEdge.Shared.Control;

/// <summary>
/// The <c>media</c> header value (spec §1.3): streams separated by commas, each
/// <c>type ":" ip ":" port ":" direction *( ":" key "=" value )</c>. Unknown keys are ignored;
/// only <c>ice</c> and the NatEdge <c>asymmetric</c> key are used. IPv4 only, because ':' is the separator.
/// </summary>
public static class MediaHeaderCodec
{
    public static bool TryParse(string value, out List<MediaStreamDescription> streams)
    {
        streams = new List<MediaStreamDescription>();
        if (value.Length == 0) return false;
        foreach (var item in value.Split(','))
        {
            if (!TryParseStream(item.Trim(), out var stream)) return false;
            streams.Add(stream);
        }
        return true;
    }

    private static bool TryParseStream(string text, out MediaStreamDescription stream)
    {
        stream = null!;
        var fields = text.Split(':');
        if (fields.Length < 4 || fields[0].Length == 0) return false;
        if (!IPAddress.TryParse(fields[1], out var address) || address.AddressFamily != AddressFamily.InterNetwork) return false;
        var portText = fields[2];
        var slash = portText.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            if (portText.AsSpan(slash + 1) is not "1") return false;
            portText = portText[..slash];
        }
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535) return false;
        if (!MediaDirections.TryParse(fields[3], out var direction)) return false;
        bool? ice = null;
        var asymmetric = false;
        for (var i = 4; i < fields.Length; i++)
        {
            var eq = fields[i].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) return false;
            var key = fields[i].AsSpan(0, eq);
            var val = fields[i].AsSpan(eq + 1);
            if (key.Equals("ice", StringComparison.OrdinalIgnoreCase)) ice = val.Equals("yes", StringComparison.OrdinalIgnoreCase);
            else if (key.Equals("asymmetric", StringComparison.OrdinalIgnoreCase)) asymmetric = val.Equals("yes", StringComparison.OrdinalIgnoreCase);
        }
        stream = new MediaStreamDescription(fields[0], address.ToString(), port, direction, ice, asymmetric);
        return true;
    }

    public static string Format(IReadOnlyList<MediaStreamDescription> streams)
    {
        var text = new StringBuilder();
        for (var i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            if (i > 0) text.Append(',');
            text.Append(s.MediaType).Append(':').Append(s.Address).Append(':')
                .Append(s.Port.ToString(CultureInfo.InvariantCulture)).Append(':').Append(MediaDirections.ToToken(s.Direction));
            if (s.Ice is { } ice) text.Append(ice ? ":ice=yes" : ":ice=no");
            if (s.Asymmetric) text.Append(":asymmetric=yes");
        }
        return text.ToString();
    }
}
