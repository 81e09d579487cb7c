using System.Buffers;
using System.Globalization;
using System.Text;

namespace NatEdge.Shared.Control;

/// <summary>Outcome of one <see cref="ControlRequestReader.TryRead"/> call.</summary>
public enum ControlReadResult
{
    /// <summary>No whole request yet; nothing was consumed.</summary>
    Incomplete,
    /// <summary>One request was decoded and its bytes consumed.</summary>
    Request,
    /// <summary>One request's bytes were consumed but it could not be understood; answer <c>error</c>.</summary>
    Invalid,
}

/// <summary>
/// Incremental decoder of the control protocol's request framing (spec §1.1): a command line,
/// <c>name: value</c> lines and an empty line, all CRLF. It reports <see cref="ControlReadResult.Incomplete"/>
/// and consumes nothing until a whole request has arrived, so a caller can feed it a pipe's buffer as is.
/// One instance per connection: it remembers when it is skipping the rest of an oversized request.
/// </summary>
public sealed class ControlRequestReader
{
    /// <summary>The module builds at most 8192 bytes (spec §1.1); twice that leaves room for other clients.</summary>
    public const int DefaultMaxRequestBytes = 16384;

    private static ReadOnlySpan<byte> Terminator => "\r\n\r\n"u8;
    private readonly int _maxRequestBytes;
    private bool _skippingOversized;

    public ControlRequestReader(int maxRequestBytes = DefaultMaxRequestBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRequestBytes, 16);
        _maxRequestBytes = maxRequestBytes;
    }

    public ControlReadResult TryRead(ref ReadOnlySequence<byte> buffer, out ControlRequest? request, out ControlProtocolError error) =>
        TryRead(ref buffer, out request, out error, out _);

    /// <summary>
    /// As <see cref="TryRead(ref ReadOnlySequence{byte}, out ControlRequest?, out ControlProtocolError)"/>, and gives the
    /// relay-protocol sequence number of a request that could not be understood when its command line had one, so its
    /// <c>error</c> can be numbered (spec §3.2).
    /// </summary>
    public ControlReadResult TryRead(ref ReadOnlySequence<byte> buffer, out ControlRequest? request, out ControlProtocolError error, out long? sequence)
    {
        request = null;
        sequence = null;
        error = ControlProtocolError.None;
        while (true)
        {
            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> block, Terminator, advancePastDelimiter: true))
            {
                if (buffer.Length <= _maxRequestBytes) return ControlReadResult.Incomplete;
                // Keep the last bytes: the terminator may straddle what has arrived and what has not.
                buffer = buffer.Slice(buffer.Length - (Terminator.Length - 1));
                if (_skippingOversized) return ControlReadResult.Incomplete;
                _skippingOversized = true;
                error = ControlProtocolError.RequestTooLarge;
                return ControlReadResult.Invalid;
            }

            buffer = buffer.Slice(reader.Position);
            if (_skippingOversized)
            {
                _skippingOversized = false;
                continue;
            }
            if (block.Length > _maxRequestBytes)
            {
                error = ControlProtocolError.RequestTooLarge;
                return ControlReadResult.Invalid;
            }
            if (IsBlank(block)) continue;   // stray empty lines between requests carry nothing to answer

            error = Parse(Encoding.UTF8.GetString(block), out request, out sequence);
            return error == ControlProtocolError.None ? ControlReadResult.Request : ControlReadResult.Invalid;
        }
    }

    private static bool IsBlank(in ReadOnlySequence<byte> block)
    {
        foreach (var segment in block)
        {
            foreach (var b in segment.Span)
            {
                if (b is not ((byte)'\r' or (byte)'\n')) return false;
            }
        }
        return true;
    }

    /// <summary>Decodes one request block (without its terminating empty line).</summary>
    public static ControlProtocolError Parse(in ReadOnlySequence<byte> block, out ControlRequest? request)
    {
        var text = Encoding.UTF8.GetString(block);
        return Parse(text, out request);
    }

    /// <summary>Decodes one request block given as text (without its terminating empty line).</summary>
    public static ControlProtocolError Parse(string block, out ControlRequest? request) => Parse(block, out request, out _);

    /// <summary>Decodes one request block given as text; <paramref name="sequence"/> is its number whenever the command line decoded.</summary>
    public static ControlProtocolError Parse(string block, out ControlRequest? request, out long? sequence)
    {
        request = null;
        sequence = null;
        // Dispatcher rule (spec §1.1): a line ending in ": " has an empty value and is dropped;
        // the first line kept is the command.
        var lines = block.Split("\r\n")
            .Where(line => line.Length > 0 && !line.EndsWith(": ", StringComparison.Ordinal))
            .ToArray();
        if (lines.Length == 0) return ControlProtocolError.EmptyRequest;

        var commandError = ParseCommandLine(lines[0], out var command, out sequence);
        if (commandError != ControlProtocolError.None) return commandError;

        var fields = new HeaderFields();
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var separator = line.IndexOf(": ", StringComparison.Ordinal);
            if (separator <= 0) return ControlProtocolError.MalformedHeader;
            var error = fields.Set(line[..separator], line[(separator + 2)..]);
            if (error != ControlProtocolError.None) return error;
        }

        if (command is ControlCommand.Update or ControlCommand.Remove && fields.CallId is null)
            return ControlProtocolError.MissingCallId;

        request = fields.ToRequest(command, sequence);
        return ControlProtocolError.None;
    }

    private static ControlProtocolError ParseCommandLine(string line, out ControlCommand command, out long? sequence)
    {
        command = default;
        sequence = null;
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > 2) return ControlProtocolError.MalformedCommandLine;
        // The number is read before the command is judged: an unknown command still gets its numbered error (spec §3.2).
        if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)) sequence = seq;
        if (!TryParseCommand(parts[0], out command)) return ControlProtocolError.UnknownCommand;
        return parts.Length == 2 && sequence is null ? ControlProtocolError.MalformedCommandLine : ControlProtocolError.None;
    }

    public static bool TryParseCommand(string token, out ControlCommand command)
    {
        switch (token)
        {
            case "update": command = ControlCommand.Update; return true;
            case "remove": command = ControlCommand.Remove; return true;
            case "summary": command = ControlCommand.Summary; return true;
            case "sessions": command = ControlCommand.Sessions; return true;
            default: command = default; return false;
        }
    }

    private sealed class HeaderFields
    {
        public string? CallId;
        private SdpMessageType? _type;
        private string? _dialogId, _fromUri, _toUri, _fromTag, _toTag, _userAgent, _signalingIp, _mediaRelay;
        private long? _cseq;
        private List<MediaStreamDescription>? _media;

        public ControlProtocolError Set(string name, string value)
        {
            switch (name)
            {
                case "type":
                    if (value == "request") _type = SdpMessageType.Request;
                    else if (value == "reply") _type = SdpMessageType.Reply;
                    else return ControlProtocolError.InvalidType;
                    break;
                case "dialog_id": _dialogId = value; break;
                case "call_id": CallId = value; break;
                case "cseq":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var cseq))
                        return ControlProtocolError.InvalidCSeq;
                    _cseq = cseq;
                    break;
                case "from_uri": _fromUri = value; break;
                case "to_uri": _toUri = value; break;
                case "from_tag": _fromTag = value; break;
                case "to_tag": _toTag = value; break;
                case "user_agent": _userAgent = value; break;
                case "signaling_ip": _signalingIp = value; break;
                case "media_relay": _mediaRelay = value; break;
                case "media":
                    if (!MediaHeaderCodec.TryParse(value, out var media)) return ControlProtocolError.InvalidMedia;
                    _media = media;
                    break;
                default:
                    break;   // unknown headers are passed over, as the relay does
            }
            return ControlProtocolError.None;
        }

        public ControlRequest ToRequest(ControlCommand command, long? sequence) => new()
        {
            Command = command,
            Sequence = sequence,
            Type = _type,
            DialogId = _dialogId,
            CallId = CallId,
            CSeq = _cseq,
            FromUri = _fromUri,
            ToUri = _toUri,
            FromTag = _fromTag,
            ToTag = _toTag,
            UserAgent = _userAgent,
            SignalingIp = _signalingIp,
            MediaRelay = _mediaRelay,
            Media = _media,
        };
    }
}
