using System.Net;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Modules.Tm;

/// <summary>
/// The way back to the previous hop of a request a server transaction answers: the request's own
/// connection on TCP while it is open (RFC 3261 section 18.2.2), otherwise its source address with
/// the rport the client asked for (RFC 3581 section 4) or the sent-by port.
/// </summary>
public sealed class UpstreamChannel : ITransactionChannel
{
    private readonly SipSender _sender;
    private readonly SipReceiveContext _origin;
    private readonly SocketAddress _destination;

    private UpstreamChannel(SipSender sender, SipReceiveContext origin, SocketAddress destination)
    {
        _sender = sender;
        _origin = origin;
        _destination = destination;
    }

    public bool IsReliable => _origin.Transport == SipTransportKind.Tcp;

    /// <summary>
    /// A channel for answering <paramref name="request"/>. The receive loop reuses its address
    /// object, so the source is copied: this channel lives as long as the transaction.
    /// </summary>
    public static UpstreamChannel For(SipSender sender, SipMessage request, SipReceiveContext origin)
    {
        var source = origin.CopyRemote();
        var destination = source;
        if (request.TryGetTopVia(out var via) && !via.HasRport)
        {
            destination = origin.CopyRemote();
            SocketAddressExtensions.SetPort(destination, via.Port >= 0 ? via.Port : Sip.Writing.ResponseTargets.DefaultSipPort);
        }

        return new UpstreamChannel(sender, new SipReceiveContext(origin.Listener, source, origin.Connection, origin.Loop), destination);
    }

    public bool Send(ReadOnlyMemory<byte> message)
        => SendOutcomes.Settle(_sender.SendResponseAsync(message, _origin, _destination, CancellationToken.None));
}

/// <summary>A next hop a client transaction sends to: a transport and an address.</summary>
public sealed class DownstreamChannel(SipSender sender, SipTransportKind transport, SocketAddress destination) : ITransactionChannel
{
    public bool IsReliable => transport == SipTransportKind.Tcp;

    public SipTransportKind Transport => transport;

    public SocketAddress Destination => destination;

    public bool Send(ReadOnlyMemory<byte> message)
        => SendOutcomes.Settle(sender.SendAsync(message, transport, destination, CancellationToken.None));
}

internal static class SendOutcomes
{
    /// <summary>
    /// A datagram, or a write to an open connection, completes at once and its outcome counts. A
    /// send that has to open a connection first completes later: it counts as sent, and if it fails
    /// the transaction's timers (B, F) end it as they would for a lost datagram.
    /// </summary>
    public static bool Settle(ValueTask<SendOutcome> pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result == SendOutcome.Sent;
        }

        _ = ObserveAsync(pending);
        return true;
    }

    private static async Task ObserveAsync(ValueTask<SendOutcome> pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a late send failure is handled by the transaction's timers
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
