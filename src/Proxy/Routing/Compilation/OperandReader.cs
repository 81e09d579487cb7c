using System.Buffers.Text;
using NatEdge.Proxy.Routing.Syntax;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>Reads the text operands (method, uri, status, from_uri, to_uri) of the message being routed.</summary>
internal static class OperandReader
{
    /// <returns>False when the operand does not exist on this message (a reply's uri, a request's status, a missing From).</returns>
    public static bool TryRead(Operand operand, RouteContext context, Span<byte> scratch, out ReadOnlySpan<byte> value)
    {
        var message = context.Message;
        switch (operand)
        {
            case Operand.Method:
                value = message.Method;
                break;
            case Operand.Uri when message.IsRequest:
                value = message.RequestUri;
                break;
            case Operand.Status when !message.IsRequest:
                Utf8Formatter.TryFormat(message.StatusCode, scratch, out var written);
                value = scratch[..written];
                break;
            case Operand.FromUri:
                value = message.FromUri;
                break;
            case Operand.ToUri:
                value = message.ToUri;
                break;
            default:
                value = default;
                return false;
        }

        return !value.IsEmpty;
    }
}
