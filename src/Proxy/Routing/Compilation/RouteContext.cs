namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Per-message state of one script run: the message, where it came from, the script
/// flags and the control-flow markers. A worker keeps one and calls <see cref="Reset"/>
/// for each message, so running the script allocates nothing for the context itself.
/// </summary>
public sealed class RouteContext
{
    /// <summary>SER's limit on nested route() calls.</summary>
    public const int MaxRouteDepth = 100;

    public RouteContext(IScriptReplySink replies, IScriptLog log)
    {
        Replies = replies;
        Log = log;
    }

    public IScriptReplySink Replies { get; }

    public IScriptLog Log { get; }

    public IScriptMessage Message { get; private set; } = null!;

    /// <summary>The parsed SIP message behind <see cref="Message"/>, for modules that need more than the script view.</summary>
    public Sip.Message.SipMessage? SipMessage => (Message as SipScriptMessage)?.Sip;

    public ReceiveInfo Received { get; private set; }

    /// <summary>Script flags 0-31 (setflag/resetflag/isflagset); tm carries them into reply and failure routes.</summary>
    public uint Flags { get; set; }

    public ScriptError LastError { get; set; }

    /// <summary>
    /// The running proxy's module state (location store, nonces, database tables), shared by
    /// every worker; the host sets it once per worker. <see cref="Modules.ModuleServices.None"/>
    /// when the script runs without them (check, tests of the core).
    /// </summary>
    public Modules.ModuleServices Services { get; set; } = Modules.ModuleServices.None;

    /// <summary>What www_authorize/proxy_authorize made of this message's credentials (check_to, consume_credentials and the challenges read it).</summary>
    public Modules.Auth.AuthorizationResult? Authorization { get; set; }

    /// <summary>Set by drop: an onreply_route that ends with it stops the reply from being forwarded.</summary>
    public bool Dropped { get; internal set; }

    /// <summary>Set by exit: processing of the message ends at every level.</summary>
    public bool Exited { get; internal set; }

    internal bool Returning { get; set; }

    internal int ReturnValue { get; set; }

    internal int Depth { get; set; }

    private byte[] _replyHeaders = new byte[512];
    private int _replyHeadersLength;

    /// <summary>Header lines append_to_reply queued for the reply this message gets (SER's reply lumps).</summary>
    public ReadOnlySpan<byte> ReplyHeaders => _replyHeaders.AsSpan(0, _replyHeadersLength);

    /// <summary>Queues a whole header line (ending in CRLF) for the reply; the buffer grows only for a larger total.</summary>
    public void AppendReplyHeader(ReadOnlySpan<byte> line)
    {
        if (_replyHeaders.Length - _replyHeadersLength < line.Length)
        {
            Array.Resize(ref _replyHeaders, Math.Max(_replyHeaders.Length * 2, _replyHeadersLength + line.Length));
        }

        line.CopyTo(_replyHeaders.AsSpan(_replyHeadersLength));
        _replyHeadersLength += line.Length;
    }

    private char[] _text = new char[4096];
    private int _textLength = -1;

    /// <summary>
    /// The received message as Latin-1 characters, for the regex functions. Decoded once per
    /// message into a buffer the context keeps, so it allocates only when a larger message arrives.
    /// </summary>
    public ReadOnlySpan<char> OriginalText
    {
        get
        {
            if (_textLength < 0)
            {
                var bytes = Message.Original;
                if (_text.Length < bytes.Length)
                {
                    _text = new char[Math.Max(bytes.Length, _text.Length * 2)];
                }

                _textLength = System.Text.Encoding.Latin1.GetChars(bytes, _text);
            }

            return _text.AsSpan(0, _textLength);
        }
    }

    public void Reset(IScriptMessage message, ReceiveInfo received, uint flags = 0)
    {
        Message = message;
        Received = received;
        Flags = flags;
        LastError = ScriptError.None;
        Authorization = null;
        Dropped = false;
        Exited = false;
        Returning = false;
        ReturnValue = 0;
        Depth = 0;
        _textLength = -1;
        _replyHeadersLength = 0;
    }
}
