using System.Buffers;
using System.Globalization;
using System.Text;

namespace NatEdge.Shared.Control;

/// <summary>
/// Encodes a <see cref="ControlRequest"/> in the module's header order (spec §1.2):
/// type, dialog_id, call_id, cseq, from_uri, to_uri, from_tag, to_tag, user_agent, signaling_ip,
/// media_relay, media for <c>update</c>; call_id, from_tag, to_tag for <c>remove</c>.
/// </summary>
public static class ControlRequestWriter
{
    /// <summary>The module's request buffer (spec §1.1).</summary>
    public const int ModuleMaxRequestBytes = 8192;

    /// <summary>
    /// Writes the request. With <paramref name="writeEmptyHeaders"/> the optional headers that are absent are
    /// written with an empty value (<c>to_tag: </c>), exactly as a stock module does; receivers drop them.
    /// Returns <see cref="ControlProtocolError.InvalidValue"/> (and writes nothing) when a value holds a line break,
    /// <see cref="ControlProtocolError.RequestTooLarge"/> when the request exceeds the module limit.
    /// </summary>
    public static ControlProtocolError Write(ControlRequest request, IBufferWriter<byte> output, bool writeEmptyHeaders = false)
    {
        var text = new StringBuilder(512);
        text.Append(CommandToken(request.Command));
        if (request.Sequence is { } seq) text.Append(' ').Append(seq.ToString(CultureInfo.InvariantCulture));
        text.Append("\r\n");

        switch (request.Command)
        {
            case ControlCommand.Update:
                Header(text, "type", request.Type switch { SdpMessageType.Request => "request", SdpMessageType.Reply => "reply", _ => null }, false);
                Header(text, "dialog_id", request.DialogId, writeEmptyHeaders);
                Header(text, "call_id", request.CallId, false);
                Header(text, "cseq", request.CSeq?.ToString(CultureInfo.InvariantCulture), false);
                Header(text, "from_uri", request.FromUri, false);
                Header(text, "to_uri", request.ToUri, false);
                Header(text, "from_tag", request.FromTag, writeEmptyHeaders);
                Header(text, "to_tag", request.ToTag, writeEmptyHeaders);
                Header(text, "user_agent", request.UserAgent, false);
                Header(text, "signaling_ip", request.SignalingIp, false);
                Header(text, "media_relay", request.MediaRelay, writeEmptyHeaders);
                Header(text, "media", request.Media is null ? null : MediaHeaderCodec.Format(request.Media), false);
                break;
            case ControlCommand.Remove:
                Header(text, "call_id", request.CallId, false);
                Header(text, "from_tag", request.FromTag, writeEmptyHeaders);
                Header(text, "to_tag", request.ToTag, writeEmptyHeaders);
                break;
            default:
                break;
        }
        text.Append("\r\n");

        if (HasLineBreak(request)) return ControlProtocolError.InvalidValue;
        var encoded = text.ToString();
        var length = Encoding.UTF8.GetByteCount(encoded);
        if (length > ModuleMaxRequestBytes) return ControlProtocolError.RequestTooLarge;
        var span = output.GetSpan(length);
        Encoding.UTF8.GetBytes(encoded, span);
        output.Advance(length);
        return ControlProtocolError.None;
    }

    public static string CommandToken(ControlCommand command) => command switch
    {
        ControlCommand.Update => "update",
        ControlCommand.Remove => "remove",
        ControlCommand.Summary => "summary",
        ControlCommand.Sessions => "sessions",
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };

    private static bool HasLineBreak(ControlRequest r)
    {
        // A CR or LF inside a value would end the header (or the whole request) early on the far side.
        foreach (var value in (ReadOnlySpan<string?>)[r.DialogId, r.CallId, r.FromUri, r.ToUri, r.FromTag, r.ToTag, r.UserAgent, r.SignalingIp, r.MediaRelay])
        {
            if (value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0) return true;
        }
        return false;
    }

    private static void Header(StringBuilder text, string name, string? value, bool writeWhenEmpty)
    {
        if (value is null && !writeWhenEmpty) return;
        text.Append(name).Append(": ").Append(value).Append("\r\n");
    }
}
