using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NatEdge.Shared.Control;

/// <summary>
/// Decodes reply lines (spec §1.2, §1.5, §3.2). A reply is one CRLF-terminated line; <see cref="TryRead"/>
/// consumes nothing until the CRLF has arrived. Anything that is not a recognised reply (the Python relay's
/// <c>None</c>, an empty line, a non-IPv4 first token) decodes as <see cref="ControlReplyKind.Error"/>, as the
/// module treats it (spec §1.6).
/// </summary>
public static class ControlReplyReader
{
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, bool withSequence, out ControlReply reply)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
        {
            reply = ControlReply.Error();
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        reply = Parse(Encoding.UTF8.GetString(line), withSequence);
        return true;
    }

    /// <summary>Parses one reply line without its CRLF.</summary>
    public static ControlReply Parse(string line, bool withSequence)
    {
        var text = line.Trim();
        // Relay-link lines that are never numbered (spec §3.2).
        if (text == "ping") return ControlReply.Ping();
        if (text == "pong") return ControlReply.Pong();
        if (text.StartsWith("expired ", StringComparison.Ordinal)) return ControlReply.Expired(text["expired ".Length..].TrimStart());
        long? sequence = null;
        if (withSequence)
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var head = space < 0 ? text : text[..space];
            if (!long.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) return ControlReply.Error();
            sequence = seq;
            text = space < 0 ? string.Empty : text[(space + 1)..].TrimStart();
        }

        if (text.Length > 0 && text[0] is '{' or '[') return ControlReply.FromJson(text, sequence);
        var tokens = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0) return ControlReply.Error(sequence);
        if (tokens.Length == 1)
        {
            switch (tokens[0])
            {
                case "removed": return ControlReply.Removed(sequence);
                case "halting": return ControlReply.Halting(sequence);
                case "error": return ControlReply.Error(sequence);
                default: break;
            }
        }
        if (!IPAddress.TryParse(tokens[0], out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || tokens[0].Count(c => c == '.') != 3)
            return ControlReply.Error(sequence);
        var ports = new int[tokens.Length - 1];
        for (var i = 1; i < tokens.Length; i++)
        {
            if (!int.TryParse(tokens[i], NumberStyles.None, CultureInfo.InvariantCulture, out ports[i - 1]) || ports[i - 1] > 65535)
                return ControlReply.Error(sequence);
        }
        return ControlReply.Media(tokens[0], ports, sequence);
    }
}
