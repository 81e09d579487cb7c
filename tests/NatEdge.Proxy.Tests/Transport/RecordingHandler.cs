using System.Net;
using System.Text;
using System.Threading.Channels;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Transport;

/// <summary>Records what the transports deliver and, when asked, answers through the sender.</summary>
internal sealed class RecordingHandler : ISipMessageHandler
{
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    public SipSender? Sender { get; set; }

    /// <summary>When set, every message is answered with this text over the origin's transport.</summary>
    public string? Reply { get; set; }

    public bool ThrowOnNext { get; set; }

    public async ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (ThrowOnNext)
        {
            ThrowOnNext = false;
            throw new InvalidOperationException("handler failure on purpose");
        }

        var text = Encoding.ASCII.GetString(message.Span);
        await _received.Writer.WriteAsync(new Received(text, context.RemoteEndPoint(), context.Transport, context.Connection, StreamFramingError.None), cancellationToken);
        if (Reply is { } reply && Sender is { } sender)
        {
            await sender.SendResponseAsync(Encoding.ASCII.GetBytes(reply), context, context.CopyRemote(), cancellationToken);
        }
    }

    public async ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken)
    {
        var text = Encoding.ASCII.GetString(headerSection.Span);
        await _received.Writer.WriteAsync(new Received(text, context.RemoteEndPoint(), context.Transport, context.Connection, error), cancellationToken);
        if (Reply is { } reply && Sender is { } sender)
        {
            await sender.SendResponseAsync(Encoding.ASCII.GetBytes(reply), context, context.CopyRemote(), cancellationToken);
        }
    }

    public async Task<Received> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public bool TryNext(out Received received) => _received.Reader.TryRead(out received!);
}

internal sealed record Received(string Text, IPEndPoint Remote, SipTransportKind Transport, TcpSipConnection? Connection, StreamFramingError Error);
