using System.Buffers;
using System.Net.Sockets;
using System.Net;
using System.Text.RegularExpressions;
using System.Text;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>method/uri/status/from_uri/to_uri == "text": SER compares whole strings, ignoring case.</summary>
internal sealed class TextEqualsNode(Operand operand, byte[] expected, bool negate) : SyncConditionNode
{
    public override Truth Evaluate(RouteContext context)
    {
        Span<byte> scratch = stackalloc byte[12];
        if (!OperandReader.TryRead(operand, context, scratch, out var value))
        {
            return Truth.Error;
        }

        return Of(Ascii.EqualsIgnoreCase(value, expected) != negate);
    }
}

/// <summary>operand =~ "regex": case-insensitive POSIX ERE searched anywhere in the text.</summary>
internal sealed class TextMatchNode(Operand operand, Regex pattern) : SyncConditionNode
{
    public override Truth Evaluate(RouteContext context)
    {
        Span<byte> scratch = stackalloc byte[64];
        if (operand is Operand.SourceIp or Operand.DestinationIp)
        {
            Span<char> text = stackalloc char[64];
            var written = AddressText.Format(operand == Operand.SourceIp, context.Received, text);
            return written > 0 ? Of(pattern.IsMatch(text[..written])) : Truth.Error;
        }

        if (!OperandReader.TryRead(operand, context, scratch, out var value))
        {
            return Truth.Error;
        }

        return Of(RegexOverBytes.IsMatch(pattern, value));
    }
}

/// <summary>uri == myself, from_uri/to_uri == myself: the URI's host and port are one of ours.</summary>
internal sealed class UriIsMyselfNode(Operand operand, LocalIdentity myself, bool negate) : SyncConditionNode
{
    /// <summary>RFC 3261 19.1.2: a sips URI without a port means 5061 (a sip URI, 5060).</summary>
    private const int DefaultSipsPort = 5061;

    public override Truth Evaluate(RouteContext context)
    {
        Span<byte> scratch = stackalloc byte[12];
        if (!OperandReader.TryRead(operand, context, scratch, out var uri)
            || !SipUriParser.TryParse(uri, new TextRange(0, uri.Length), out var parsed)
            || !parsed.IsSipOrSips)
        {
            return Truth.Error;
        }

        var host = parsed.Host.Of(uri);
        if (parsed.IsIpv6Reference)
        {
            host = host[1..^1];
        }

        var port = parsed.Port >= 0 ? parsed.Port : parsed.Scheme == UriScheme.Sips ? DefaultSipsPort : Binding.ScriptSettings.DefaultSipPort;
        return Of(myself.Matches(host, port) != negate);
    }
}

/// <summary>src_ip/dst_ip == address[/mask], or == myself.</summary>
internal sealed class AddressNode(bool source, IPAddress? network, int maskBits, LocalIdentity? myself, bool negate) : SyncConditionNode
{
    private readonly byte[] _network = network?.GetAddressBytes() ?? [];

    public override Truth Evaluate(RouteContext context)
    {
        Span<byte> local = stackalloc byte[16];
        scoped ReadOnlySpan<byte> address;
        if (source)
        {
            address = context.Received.SourceAddressBytes;
        }
        else
        {
            context.Received.Local.Address.TryWriteBytes(local, out var length);
            address = local[..length];
        }

        if (myself is not null)
        {
            return Of(myself.IsLocalAddress(address) != negate);
        }

        return Of((address.Length == _network.Length && InNetwork(address)) != negate);
    }

    private bool InNetwork(ReadOnlySpan<byte> address)
    {
        var fullBytes = maskBits / 8;
        if (!address[..fullBytes].SequenceEqual(_network.AsSpan(0, fullBytes)))
        {
            return false;
        }

        var restBits = maskBits % 8;
        if (restBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - restBits));
        return (address[fullBytes] & mask) == (_network[fullBytes] & mask);
    }
}

/// <summary>src_port, dst_port, msg:len, status compared with a number.</summary>
internal sealed class NumberNode(Operand operand, ComparisonOperator op, long expected) : SyncConditionNode
{
    public override Truth Evaluate(RouteContext context)
    {
        long value;
        switch (operand)
        {
            case Operand.SourcePort:
                value = context.Received.SourcePort;
                break;
            case Operand.DestinationPort:
                value = context.Received.Local.Port;
                break;
            case Operand.MessageLength:
                value = context.Message.Original.Length;
                break;
            case Operand.Status when !context.Message.IsRequest:
                value = context.Message.StatusCode;
                break;
            default:
                return Truth.Error;
        }

        return Of(op switch
        {
            ComparisonOperator.Equal => value == expected,
            ComparisonOperator.NotEqual => value != expected,
            ComparisonOperator.Greater => value > expected,
            ComparisonOperator.Less => value < expected,
            ComparisonOperator.GreaterOrEqual => value >= expected,
            _ => value <= expected,
        });
    }
}

/// <summary>proto == udp|tcp|tls.</summary>
internal sealed class ProtocolNode(TransportProtocol expected, bool negate) : SyncConditionNode
{
    public override Truth Evaluate(RouteContext context) => Of((context.Received.Protocol == expected) != negate);
}

/// <summary>af == inet|inet6 (the family of the source address).</summary>
internal sealed class AddressFamilyNode(AddressFamily expected, bool negate) : SyncConditionNode
{
    public override Truth Evaluate(RouteContext context) => Of((context.Received.SourceFamily == expected) != negate);
}
