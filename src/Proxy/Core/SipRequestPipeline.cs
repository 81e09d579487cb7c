using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// What happens to every received message, in order: parse; drop responses (a stateless core
/// sent no requests, so no response is ours) and anything without a usable top Via; stamp the
/// top Via with received/rport (RFC 3261 18.2.1, RFC 3581); answer a malformed request with the
/// reply it is owed; refuse an oversize request with 513; then the request rules. Today those
/// rules are fixed: OPTIONS to the proxy itself gets 200, ACK is absorbed, everything else gets
/// an honest error. The route-script engine takes the place of <see cref="ApplyRequestRulesAsync"/>.
/// </summary>
public sealed class SipRequestPipeline : ISipMessageHandler
{
    /// <summary>The methods the proxy relays once routing is in place (RFC 3261 section 20.5).</summary>
    private static readonly byte[] Allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, PRACK, SUBSCRIBE, NOTIFY, PUBLISH, INFO, REFER, MESSAGE, UPDATE\r\n"u8.ToArray();

    /// <summary>RFC 3261 section 11.2: a 200 to OPTIONS lists Allow, Accept, Accept-Encoding, Accept-Language and Supported.</summary>
    private static readonly byte[] OptionsHeaders =
        [.. Allow, .. "Accept: application/sdp\r\nAccept-Encoding: identity\r\nAccept-Language: en\r\nSupported: \r\nServer: NatEdge\r\n"u8];

    private static readonly byte[] Ok = "OK"u8.ToArray();
    private static readonly byte[] TooManyHops = "Too Many Hops"u8.ToArray();
    private static readonly byte[] MessageTooLarge = "Message Too Large"u8.ToArray();
    private static readonly byte[] NotImplemented = "Not Implemented"u8.ToArray();
    private static readonly byte[] TransactionDoesNotExist = "Call/Transaction Does Not Exist"u8.ToArray();
    private static readonly byte[] NoUserHere = "Not Found"u8.ToArray();
    private static readonly byte[] NoRouteYet = "Not Found - No Route to the Request-URI Domain"u8.ToArray();

    private readonly StatelessReplier _replier;
    private readonly LocalIdentity _myself;
    private readonly SipRequestValidator _validator;
    private readonly SipParserLimits _parserLimits;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;

    public SipRequestPipeline(StatelessReplier replier, LocalIdentity myself, TransportLimits limits, ILogger logger)
    {
        _replier = replier;
        _myself = myself;
        _validator = SipRequestValidator.Default;
        _maxMessageBytes = limits.MaxMessageBytes;

        // The transport already bounds the whole message; the body may use all of it.
        _parserLimits = SipParserLimits.Default with { MaxContentLength = Math.Max(limits.MaxMessageBytes, SipParserLimits.Default.MaxContentLength) };
        _logger = logger;
    }

    /// <summary>The pipeline of a running proxy: "myself" is every bound listener plus the script's aliases.</summary>
    public static SipRequestPipeline Create(ProxyRunSettings settings, ProxyTransports transports, ILoggerFactory loggers)
    {
        var listening = settings.Endpoints.Select(e => e.EndPoint);
        return new SipRequestPipeline(
            new StatelessReplier(transports.Sender),
            new LocalIdentity(listening, settings.Aliases),
            settings.Limits,
            loggers.CreateLogger("NatEdge.Proxy.Core"));
    }

    public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
    {
        SipMessageParser.TryParse(message, SipFraming.Datagram, _parserLimits, out var parsed, out _, out _);
        if (!TryAcceptRequest(parsed, context))
        {
            return ValueTask.CompletedTask;
        }

        var error = _validator.Validate(parsed!, forwarding: false);
        if (error != SipParseError.None)
        {
            return ReplyWithAnswerAsync(parsed!, error, context, cancellationToken);
        }

        if (message.Length > _maxMessageBytes)
        {
            return ReplyAsync(parsed!, 513, MessageTooLarge, default, context, cancellationToken);
        }

        return ApplyRequestRulesAsync(parsed!, context, cancellationToken);
    }

    public ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (headerSection.IsEmpty)
        {
            // No whole header section: nothing to build a reply from; the connection just closes.
            return ValueTask.CompletedTask;
        }

        SipMessageParser.TryParse(headerSection, SipFraming.Datagram, _parserLimits, out var parsed, out _, out _);
        if (!TryAcceptRequest(parsed, context))
        {
            return ValueTask.CompletedTask;
        }

        var owed = error switch
        {
            StreamFramingError.MessageTooLarge => SipParseError.MessageTooLarge,
            StreamFramingError.MissingContentLength => SipParseError.MissingContentLength,
            _ => SipParseError.InvalidContentLength,
        };
        return ReplyWithAnswerAsync(parsed!, owed, context, cancellationToken);
    }

    /// <summary>
    /// Keeps requests that have a top Via to answer to, stamping it with the source; drops the rest.
    /// </summary>
    private bool TryAcceptRequest(SipMessage? parsed, SipReceiveContext context)
    {
        if (parsed is null || parsed.IsResponse)
        {
            PipelineLog.Dropped(_logger, parsed is null ? "unparsable" : "response to no request of ours", context.Transport.ListenToken());
            return false;
        }

        Span<byte> source = stackalloc byte[SocketAddressExtensions.MaxAddressTextLength];
        var length = SocketAddressExtensions.FormatAddress(context.Remote, source);
        if (!ViaReceivedStamp.Apply(parsed, source[..length], SocketAddressExtensions.Port(context.Remote)))
        {
            PipelineLog.Dropped(_logger, "no usable top Via", context.Transport.ListenToken());
            return false;
        }

        return true;
    }

    /// <summary>The fixed rules that stand where the route script will run.</summary>
    private ValueTask ApplyRequestRulesAsync(SipMessage request, SipReceiveContext context, CancellationToken cancellationToken)
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

    private ValueTask ReplyWithAnswerAsync(SipMessage request, SipParseError error, SipReceiveContext context, CancellationToken cancellationToken)
    {
        var answer = SipParseErrors.GetAnswer(error, isRequest: true);
        PipelineLog.Rejected(_logger, error.ToString(), answer.StatusCode, context.Transport.ListenToken());
        if (answer.IsSilentDrop)
        {
            return ValueTask.CompletedTask;
        }

        return ReplyAsync(request, answer.StatusCode, System.Text.Encoding.ASCII.GetBytes(answer.ReasonPhrase), default, context, cancellationToken);
    }

    private async ValueTask ReplyAsync(SipMessage request, int status, ReadOnlyMemory<byte> reason, ReadOnlyMemory<byte> extraHeaders, SipReceiveContext context, CancellationToken cancellationToken)
    {
        var outcome = await _replier.ReplyAsync(request, status, reason, extraHeaders, context, cancellationToken).ConfigureAwait(false);
        if (outcome != SendOutcome.Sent)
        {
            PipelineLog.ReplyNotSent(_logger, status, outcome.ToString());
        }
    }
}
