using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// The rules that stand where the route script will run: OPTIONS to the proxy itself gets 200
/// (keep-alive and monitoring probes), ACK is absorbed, and everything else gets an honest error
/// because nothing can be registered or relayed yet.
/// </summary>
public sealed class FixedRequestRouter : IRequestRouter
{
    /// <summary>The methods the proxy relays once routing is in place (RFC 3261 section 20.5).</summary>
    private static readonly byte[] Allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE\r\n"u8.ToArray();

    /// <summary>RFC 3261 section 11.2: a 200 to OPTIONS lists Allow, Accept, Accept-Encoding, Accept-Language and Supported.</summary>
    private static readonly byte[] OptionsHeaders =
        [.. Allow, .. "Accept: application/sdp\r\nAccept-Encoding: identity\r\nAccept-Language: en\r\nSupported: \r\nServer: NatEdge\r\n"u8];

    private static readonly byte[] Ok = "OK"u8.ToArray();
    private static readonly byte[] TooManyHops = "Too Many Hops"u8.ToArray();
    private static readonly byte[] NotImplemented = "Not Implemented"u8.ToArray();
    private static readonly byte[] TransactionDoesNotExist = "Call/Transaction Does Not Exist"u8.ToArray();
    private static readonly byte[] NoUserHere = "Not Found"u8.ToArray();
    private static readonly byte[] NoRouteYet = "Not Found - No Route to the Request-URI Domain"u8.ToArray();

    private readonly StatelessReplier _replier;
    private readonly LocalIdentity _myself;

    public FixedRequestRouter(StatelessReplier replier, LocalIdentity myself)
    {
        _replier = replier;
        _myself = myself;
    }

    public ValueTask RouteAsync(SipMessage request, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (request.Method == SipMethod.Ack)
        {
            // ACK is never answered (RFC 3261 section 17.2.1); with no transaction it ends here.
            return ValueTask.CompletedTask;
        }

        var toMyself = request.TryGetRequestUri(out var uri) && _myself.IsMyself(request.Span, uri);
        var optionsForUs = request.Method == SipMethod.Options && toMyself && !uri.User.IsPresent;

        // RFC 3261 16.3 step 3: Max-Forwards 0 is not forwarded; an OPTIONS may be answered by us.
        if (!optionsForUs && request.TryGetMaxForwards(out var maxForwards) && maxForwards == 0)
        {
            return ReplyAsync(request, 483, TooManyHops, default, context, cancellationToken);
        }

        if (optionsForUs)
        {
            return ReplyAsync(request, 200, Ok, OptionsHeaders, context, cancellationToken);
        }

        return request.Method switch
        {
            SipMethod.Extension => ReplyAsync(request, 501, NotImplemented, Allow, context, cancellationToken),
            SipMethod.Cancel => ReplyAsync(request, 481, TransactionDoesNotExist, default, context, cancellationToken),
            _ when toMyself => ReplyAsync(request, 404, NoUserHere, default, context, cancellationToken),
            _ => ReplyAsync(request, 404, NoRouteYet, default, context, cancellationToken),
        };
    }

    private async ValueTask ReplyAsync(SipMessage request, int status, byte[] reason, byte[]? extraHeaders, SipReceiveContext context, CancellationToken cancellationToken) =>
        await _replier.ReplyAsync(request, status, reason, extraHeaders, context, cancellationToken).ConfigureAwait(false);
}
