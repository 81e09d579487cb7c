using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Proxy.Telemetry;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Core;

/// <summary>
/// What happens to every received message, in order: parse; hand responses to the response
/// router (the transaction layer), or drop them when there is none; drop requests without a
/// usable top Via; stamp the top Via with received/rport (RFC 3261 18.2.1, RFC 3581); answer a
/// malformed request with the reply it is owed; refuse an oversize request with 513; then hand
/// the request to the request router, which runs the route script.
/// </summary>
public sealed class SipRequestPipeline : ISipMessageHandler
{
    /// <summary>Held so the keepalive timers live as long as the pipeline that serves the phones.</summary>
    private Modules.NatHelper.NatPinger? _natKeepalive;

    private static readonly byte[] MessageTooLarge = "Message Too Large"u8.ToArray();

    /// <summary>What a script reload builds the next router over; null for a pipeline made in a test.</summary>
    private ReloadContext? _reload;

    private readonly StatelessReplier _replier;
    private IRequestRouter _router;
    private readonly IResponseRouter? _responses;
    private readonly SipRequestValidator _validator;
    private readonly SipParserLimits _parserLimits;
    private readonly int _maxMessageBytes;
    private readonly ILogger _logger;

    public SipRequestPipeline(StatelessReplier replier, IRequestRouter router, TransportLimits limits, ILogger logger, IResponseRouter? responses = null)
    {
        _replier = replier;
        _router = router;
        _responses = responses;
        _validator = SipRequestValidator.Default;
        _maxMessageBytes = limits.MaxMessageBytes;

        // The transport already bounds the whole message; the body may use all of it.
        _parserLimits = SipParserLimits.Default with { MaxContentLength = Math.Max(limits.MaxMessageBytes, SipParserLimits.Default.MaxContentLength) };
        _logger = logger;
    }

    /// <summary>
    /// The pipeline of a running proxy: the script is compiled once the sockets are bound, so
    /// "myself" is every bound listener (OS-chosen ports included) plus the script's aliases.
    /// </summary>
    public static SipRequestPipeline Create(ProxyRunSettings settings, BoundScript script, ProxyTransports transports, ILoggerFactory loggers, Modules.ModuleServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(transports);
        var replier = new StatelessReplier(transports.Sender);
        var myself = LocalIdentityOf(transports, script);
        var compiled = ScriptCompiler.Compile(script, myself);
        var transactions = compiled.Modules.TryGetValue("tm", out var tm)
            ? new TransactionLayer(compiled, TmSettings.ToTimers(tm), transports, TimeProvider.System)
            : null;
        if (compiled.Modules.ContainsKey("mediaproxy"))
        {
            // Dialogs a relay reports dead are ended from here (end_expired_calls), over the bound sockets.
            Modules.MediaProxy.EngagedMediaSessions.UseTerminator(new Modules.Dialog.DialogTerminator(
                transactions?.Proxy.Resolver ?? new SenderNextHopResolver(transports.Sender, transports.All),
                (host, port) => myself.Matches(host, port),
                transactions?.Proxy,
                loggers.CreateLogger("NatEdge.Proxy.Dialog")));
        }
        var pipeline = new SipRequestPipeline(
            replier,
            new ScriptRequestRouter(compiled, replier, new TextWriterScriptLog(), services, transactions),
            settings.Limits,
            loggers.CreateLogger("NatEdge.Proxy.Core"),
            transactions);
        pipeline._natKeepalive = StartNatKeepalive(compiled, services, transports);
        pipeline._reload = new ReloadContext(transports, services, transactions);
        if (transactions is not null)
        {
            ProxyMetrics.ObserveTransactions(() => (transactions.Proxy.ServerTransactionCount, transactions.Proxy.ClientTransactionCount));
        }

        if (services?.Location is { } location)
        {
            ProxyMetrics.ObserveRegistrations(async cancellation => (await location.GetAllAsync(cancellation).ConfigureAwait(false)).Count);
        }

        return pipeline;
    }

    /// <summary>
    /// Compiles <paramref name="script"/> over the running proxy's sockets, module state and
    /// transactions, and routes every request received from now on with it. A receive loop finishing
    /// a request keeps the old script for that request; transactions keep the reply and failure
    /// routes of the script that created them. The caller has checked that the script loads the
    /// same modules as the running one (their state is made once, at start).
    /// </summary>
    public void ReplaceScript(BoundScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var reload = _reload ?? throw new InvalidOperationException("only a pipeline made by Create can change its script");
        var compiled = ScriptCompiler.Compile(script, LocalIdentityOf(reload.Transports, script));
        var router = new ScriptRequestRouter(compiled, _replier, new TextWriterScriptLog(), reload.Services, reload.Transactions);
        Volatile.Write(ref _router, router);
    }

    /// <summary>"myself": every bound listener (OS-chosen ports included) plus the script's aliases.</summary>
    private static LocalIdentity LocalIdentityOf(ProxyTransports transports, BoundScript script) =>
        new(transports.All.Select(l => l.LocalEndPoint), script.Settings.Aliases);

    /// <summary>
    /// NAT keepalives for the registered phones (nathelper or mediaproxy natping_interval) over the
    /// location store. They run for the life of the process on a wheel of their own with a 100 ms tick,
    /// which is plenty for a period counted in seconds.
    /// </summary>
    private static Modules.NatHelper.NatPinger? StartNatKeepalive(CompiledScript compiled, Modules.ModuleServices? services, ProxyTransports transports)
    {
        var options = Modules.NatHelper.NatPingOptions.From(
            compiled.Modules.GetValueOrDefault("nathelper"),
            compiled.Modules.GetValueOrDefault("mediaproxy"));
        if (!options.Enabled || services?.Location is not { } location || transports.Udp.Count == 0)
        {
            return null;
        }

        var wheel = new NatEdge.Shared.Timing.TimerWheel(services.Time, TimeSpan.FromMilliseconds(100));
        var pinger = new Modules.NatHelper.NatPinger(location, new Modules.NatHelper.UdpNatPingSender(transports.Udp), wheel, options);
        pinger.Start();
        return pinger;
    }

    public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
    {
        SipMessageParser.TryParse(message, SipFraming.Datagram, _parserLimits, out var parsed, out var parseError, out _);
        if (parsed is not null && Modules.MediaProxy.EngagedMediaSessions.AnyEngaged)
        {
            return ObserveEngagedThenHandleAsync(message, parsed, parseError, context, cancellationToken);
        }

        return Handle(message, parsed, parseError, context, cancellationToken);
    }

    /// <summary>
    /// engage_media_proxy(): a message of an engaged dialog updates the relay and has its SDP
    /// rewritten before the script or the transaction layer forwards it.
    /// </summary>
    private async ValueTask ObserveEngagedThenHandleAsync(ReadOnlyMemory<byte> message, SipMessage parsed, SipParseError parseError, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (parseError == SipParseError.None)
        {
            var received = new ReceiveInfo(context.Remote, context.Listener.LocalEndPoint, context.Transport == SipTransportKind.Tcp ? TransportProtocol.Tcp : TransportProtocol.Udp);
            await Modules.MediaProxy.EngagedMediaSessions.ObserveAllAsync(parsed, received).ConfigureAwait(false);
        }

        await Handle(message, parsed, parseError, context, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask Handle(ReadOnlyMemory<byte> message, SipMessage? parsed, SipParseError parseError, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (parsed is { IsResponse: true } && _responses is not null)
        {
            return _responses.RouteResponseAsync(parsed, context, cancellationToken);
        }

        if (!TryAcceptRequest(parsed, parseError, context))
        {
            return ValueTask.CompletedTask;
        }

        ProxyMetrics.RequestReceived(parsed!.Method);
        var error = _validator.Validate(parsed!, forwarding: false);
        if (error != SipParseError.None)
        {
            return ReplyWithAnswerAsync(parsed!, error, context, cancellationToken);
        }

        if (message.Length > _maxMessageBytes)
        {
            ProxyMetrics.ParseError(SipParseError.MessageTooLarge);
            return ReplyAsync(parsed!, 513, MessageTooLarge, default, context, cancellationToken);
        }

        return Volatile.Read(ref _router).RouteAsync(parsed!, context, cancellationToken);
    }

    public ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken)
    {
        if (headerSection.IsEmpty)
        {
            // No whole header section: nothing to build a reply from; the connection just closes.
            return ValueTask.CompletedTask;
        }

        SipMessageParser.TryParse(headerSection, SipFraming.Datagram, _parserLimits, out var parsed, out var parseError, out _);
        if (!TryAcceptRequest(parsed, parseError, context))
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
    private bool TryAcceptRequest(SipMessage? parsed, SipParseError parseError, SipReceiveContext context)
    {
        if (parsed is null || parsed.IsResponse)
        {
            if (parseError != SipParseError.None)
            {
                ProxyMetrics.ParseError(parseError);
            }

            PipelineLog.Dropped(_logger, parsed is null ? "unparsable" : "a response, and no transaction layer to match it", context.Transport.ListenToken());
            return false;
        }

        Span<byte> source = stackalloc byte[SocketAddressExtensions.MaxAddressTextLength];
        var length = SocketAddressExtensions.FormatAddress(context.Remote, source);
        if (!ViaReceivedStamp.Apply(parsed, source[..length], SocketAddressExtensions.Port(context.Remote)))
        {
            // A message broken before its Via is dropped here; its first fault is the reason.
            ProxyMetrics.ParseError(parseError != SipParseError.None ? parseError : SipParseError.MalformedVia);
            PipelineLog.Dropped(_logger, "no usable top Via", context.Transport.ListenToken());
            return false;
        }

        return true;
    }

    private ValueTask ReplyWithAnswerAsync(SipMessage request, SipParseError error, SipReceiveContext context, CancellationToken cancellationToken)
    {
        ProxyMetrics.ParseError(error);
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

    private sealed record ReloadContext(
        ProxyTransports Transports,
        Modules.ModuleServices? Services,
        TransactionLayer? Transactions);
}
