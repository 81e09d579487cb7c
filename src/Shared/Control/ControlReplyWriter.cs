using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace NatEdge.Shared.Control;

/// <summary>Encodes one reply line, CRLF-terminated, into an <see cref="IBufferWriter{T}"/>.</summary>
public static class ControlReplyWriter
{
    public static void Write(ControlReply reply, IBufferWriter<byte> output)
    {
        if (reply.Sequence is { } seq)
        {
            WriteNumber(output, seq);
            WriteAscii(output, " ");
        }
        switch (reply.Kind)
        {
            case ControlReplyKind.Media:
                WriteAscii(output, reply.RelayIp!);
                foreach (var port in reply.Ports)
                {
                    WriteAscii(output, " ");
                    WriteNumber(output, port);
                }
                break;
            case ControlReplyKind.Removed: WriteAscii(output, "removed"); break;
            case ControlReplyKind.Halting: WriteAscii(output, "halting"); break;
            case ControlReplyKind.Json:
                WriteUtf8(output, reply.Json!);
                break;
            case ControlReplyKind.Ping: WriteAscii(output, "ping"); break;
            case ControlReplyKind.Pong: WriteAscii(output, "pong"); break;
            case ControlReplyKind.Expired:
                WriteAscii(output, "expired ");
                WriteUtf8(output, reply.Json!);
                break;
            default: WriteAscii(output, ControlProtocolErrors.ReplyText); break;
        }
        WriteAscii(output, "\r\n");
    }

    public static string ToLine(ControlReply reply)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        Write(reply, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteUtf8(IBufferWriter<byte> output, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        Encoding.UTF8.GetBytes(text, output.GetSpan(length));
        output.Advance(length);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        output.Advance(written);
    }

    private static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        output.Advance(written);
    }
}
