using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NatEdge.IntegrationTests.Calls;

/// <summary>What a <see cref="UdpCallee"/> does with a new INVITE once it has sent 180 Ringing.</summary>
internal enum CalleeAnswer
{
    /// <summary>Rings until the INVITE is cancelled, then ends it with 487 (RFC 3261 section 9.2).</summary>
    RingUntilCancelled,

    /// <summary>Answers 200 OK with SDP after a pause; a re-INVITE inside the dialog is answered 200 OK at once.</summary>
    AnswerAfterRinging,
}

/// <summary>
/// A phone registered as 1001 that answers over raw UDP and keeps RFC 3261's UAS rules on a lossy
/// path, where a SIPp callee loses track of the call: a retransmitted request gets its last
/// response again (sections 17.2.1 and 17.2.2); a 2xx is sent again until its ACK comes (section
/// 13.3.1.4), a 487 until its hop-by-hop ACK comes (Timer G), each at T1 doubling up to T2.
/// </summary>
/// <remarks>
/// It counts every copy of every request, so a test can tell the proxy's retransmissions apart
/// from the requests themselves, and it notes each request that broke the proxy's rules: an
/// in-dialog request that was not loose-routed (RFC 3261 section 16.12: Request-URI the contact,
/// no Route left, the proxy's Via above the caller's), a CANCEL or hop-by-hop ACK not on the
/// INVITE's branch (sections 9.1 and 17.1.1.3).
/// </remarks>
internal sealed partial class UdpCallee : IAsyncDisposable
{
    private static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan T2 = TimeSpan.FromMilliseconds(400);

    private readonly Socket _socket;
    private readonly CalleeAnswer _answer;
    private readonly TimeSpan _answerDelay;
    private readonly string _proxyHost;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, int> _copies = [];
    private readonly Dictionary<string, string> _lastResponses = [];
    private readonly Dictionary<string, string> _toTags = [];
    private readonly Dictionary<string, SipText> _invites = [];
    private readonly HashSet<string> _unacknowledged = [];
    private readonly Dictionary<int, int> _acknowledgedFinals = [];
    private readonly List<string> _violations = [];
    private readonly List<string> _journal = [];
    private readonly Task _receiving;
    private int _tagCounter;
    private int _reinvites;

    /// <param name="socket">A bound UDP socket; the callee owns it from now on.</param>
    /// <param name="proxyHost">The proxy's address as it writes it in its Via.</param>
    public UdpCallee(Socket socket, CalleeAnswer answer, TimeSpan answerDelay, string proxyHost)
    {
        _socket = socket;
        _answer = answer;
        _answerDelay = answerDelay;
        _proxyHost = proxyHost;
        var local = (IPEndPoint)socket.LocalEndPoint!;
        Contact = $"sip:1001@{local.Address}:{local.Port.ToString(CultureInfo.InvariantCulture)};transport=udp";
        _receiving = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The contact to register, which the callee also puts in its answers.</summary>
    public string Contact { get; }

    /// <summary>Distinct requests of <paramref name="method"/> (by branch) that reached the callee.</summary>
    public int Requests(string method)
    {
        lock (_gate)
        {
            return _copies.Keys.Count(k => k.EndsWith(" " + method, StringComparison.Ordinal));
        }
    }

    /// <summary>Distinct INVITEs inside a dialog (with a To tag) that reached the callee.</summary>
    public int ReInvites => Volatile.Read(ref _reinvites);

    /// <summary>
    /// Copies of INVITE, CANCEL and BYE beyond the first of each: the proxy's retransmissions
    /// (Timers A and E) that came although the first copy had, because the callee's answer was lost.
    /// </summary>
    public int RetransmittedRequests
    {
        get
        {
            lock (_gate)
            {
                return _copies.Where(c => !c.Key.EndsWith(" ACK", StringComparison.Ordinal)).Sum(c => c.Value - 1);
            }
        }
    }

    /// <summary>The final answers with <paramref name="status"/> whose ACK reached the callee.</summary>
    public int AcknowledgedFinals(int status)
    {
        lock (_gate)
        {
            return _acknowledgedFinals.GetValueOrDefault(status);
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>The first events, for a failing test's message.</summary>
    public string Journal
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _journal);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _receiving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65535];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var text = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
            if (text.StartsWith("SIP/2.0 ", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                OnRequest(SipText.Parse(text), received.RemoteEndPoint);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException)
            {
                // A request this callee cannot read fails the test through its violations, and the callee keeps serving the other calls.
                Violation($"unreadable request ({e.GetType().Name}: {e.Message}):\n{text}");
            }
        }
    }

    private void OnRequest(SipText request, EndPoint from)
    {
        var key = $"{request.Branch} {request.Method}";
        int copies;
        string? repeat = null;
        lock (_gate)
        {
            copies = _copies.GetValueOrDefault(key) + 1;
            _copies[key] = copies;
            Note($"{request.Method} {request.CallId} branch {request.Branch} copy {copies}");

            // A retransmission gets the transaction's last answer again, or nothing when none went yet.
            if (copies > 1 && request.Method != "ACK")
            {
                _lastResponses.TryGetValue(key, out repeat);
            }
        }

        if (copies > 1)
        {
            if (repeat is not null)
            {
                Send(repeat, from);
            }

            return;
        }

        switch (request.Method)
        {
            case "INVITE" when request.ToTag.Length == 0:
                OnInvite(request, from);
                break;
            case "INVITE":
                Interlocked.Increment(ref _reinvites);
                CheckLooseRouted(request);
                Answer200(request, from, sdpVersion: 2, "a=recvonly\r\n");
                break;
            case "CANCEL":
                OnCancel(request, from);
                break;
            case "ACK":
                OnAck(request);
                break;
            case "BYE":
                CheckLooseRouted(request);
                Reply(request, 200, "OK", from);
                break;
            default:
                Reply(request, 405, "Method Not Allowed", from);
                break;
        }
    }

    private void OnInvite(SipText invite, EndPoint from)
    {
        lock (_gate)
        {
            _invites[invite.Branch] = invite;
            _toTags[invite.CallId] = $"callee{Interlocked.Increment(ref _tagCounter).ToString(CultureInfo.InvariantCulture)}";
        }

        Reply(invite, 180, "Ringing", from);
        if (_answer == CalleeAnswer.AnswerAfterRinging)
        {
            _ = AnswerLaterAsync(invite, from);
        }
    }

    private async Task AnswerLaterAsync(SipText invite, EndPoint from)
    {
        try
        {
            await Task.Delay(_answerDelay, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        Answer200(invite, from, sdpVersion: 1, string.Empty);
    }

    private void OnCancel(SipText cancel, EndPoint from)
    {
        if (cancel.Vias.Count != 1)
        {
            Violation($"CANCEL with {cancel.Vias.Count} Vias; the proxy's own CANCEL has only its Via (RFC 3261 section 9.1)");
        }

        string? answered;
        SipText? invite;
        lock (_gate)
        {
            _lastResponses.TryGetValue($"{cancel.Branch} INVITE", out answered);
            _invites.TryGetValue(cancel.Branch, out invite);
        }

        if (answered is null || invite is null)
        {
            Violation($"CANCEL on branch {cancel.Branch}, which no INVITE came on");
            Reply(cancel, 481, "Call/Transaction Does Not Exist", from);
            return;
        }

        Reply(cancel, 200, "OK", from);
        var terminated = ResponseFor(invite, 487, "Request Terminated", withContact: false, body: string.Empty);
        SendFinal(invite, terminated, $"{cancel.Branch} 487", from);
    }

    private void OnAck(SipText ack)
    {
        lock (_gate)
        {
            if (_unacknowledged.Remove($"{ack.Branch} 487"))
            {
                // The proxy's hop-by-hop ACK of a 487 (RFC 3261 section 17.1.1.3): the INVITE's branch, one Via.
                if (ack.Vias.Count != 1)
                {
                    Violation($"ACK of a 487 with {ack.Vias.Count} Vias");
                }

                _acknowledgedFinals[487] = _acknowledgedFinals.GetValueOrDefault(487) + 1;
                return;
            }
        }

        CheckLooseRouted(ack);
        lock (_gate)
        {
            if (_unacknowledged.Remove($"{ack.CallId} {ack.CSeqNumber} 200"))
            {
                _acknowledgedFinals[200] = _acknowledgedFinals.GetValueOrDefault(200) + 1;
            }
        }
    }

    /// <summary>200 OK with an SDP answer; a changed answer carries a higher o= version (RFC 3264 section 8).</summary>
    private void Answer200(SipText invite, EndPoint from, int sdpVersion, string sdpDirection)
    {
        var body =
            "v=0\r\n" +
            $"o=callee 1 {sdpVersion.ToString(CultureInfo.InvariantCulture)} IN IP4 198.18.0.20\r\n" +
            "s=-\r\n" +
            "c=IN IP4 198.18.0.20\r\n" +
            "t=0 0\r\n" +
            "m=audio 6000 RTP/AVP 0\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            sdpDirection;
        var ok = ResponseFor(invite, 200, "OK", withContact: true, body);
        SendFinal(invite, ok, $"{invite.CallId} {invite.CSeqNumber} 200", from);
    }

    /// <summary>
    /// Ends an INVITE with <paramref name="response"/> and sends it until its ACK, unless a final
    /// answer already ended it: the answer and a CANCEL's 487 race, and only the first one counts.
    /// </summary>
    private void SendFinal(SipText invite, string response, string awaiting, EndPoint to)
    {
        var transaction = $"{invite.Branch} INVITE";
        lock (_gate)
        {
            if (_lastResponses.TryGetValue(transaction, out var last) && !last.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                return;
            }

            _lastResponses[transaction] = response;
            _unacknowledged.Add(awaiting);
        }

        Send(response, to);
        _ = RetransmitUntilAcknowledgedAsync(response, awaiting, to);
    }

    /// <summary>Sends <paramref name="response"/> again at T1, 2T1 ... T2 until its ACK comes, for at most 64 T1 (Timers G and H).</summary>
    private async Task RetransmitUntilAcknowledgedAsync(string response, string awaiting, EndPoint to)
    {
        var interval = T1;
        var waited = TimeSpan.Zero;
        while (waited < 64 * T1)
        {
            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            waited += interval;
            lock (_gate)
            {
                if (!_unacknowledged.Contains(awaiting))
                {
                    return;
                }
            }

            Send(response, to);
            interval = interval * 2 < T2 ? interval * 2 : T2;
        }

        Violation($"no ACK for {awaiting} within 64*T1");
    }

    private void Reply(SipText request, int status, string reason, EndPoint to)
    {
        var withContact = request.Method == "INVITE";
        var response = ResponseFor(request, status, reason, withContact, string.Empty);
        lock (_gate)
        {
            _lastResponses[$"{request.Branch} {request.Method}"] = response;
        }

        Send(response, to);
    }

    /// <summary>A response per RFC 3261 section 8.2.6: the request's Vias, From, Call-ID and CSeq, its To with the dialog's tag, and its Record-Route for a dialog-making answer (section 12.1.1).</summary>
    private string ResponseFor(SipText request, int status, string reason, bool withContact, string body)
    {
        string tag;
        lock (_gate)
        {
            tag = _toTags.GetValueOrDefault(request.CallId, "callee0");
        }

        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"SIP/2.0 {status} {reason}\r\n");
        foreach (var via in request.Vias)
        {
            text.Append(via).Append("\r\n");
        }

        text.Append(request.Header("From")).Append("\r\n")
            .Append(request.Header("To")).Append(request.ToTag.Length == 0 && status > 100 ? ";tag=" + tag : string.Empty).Append("\r\n")
            .Append(request.Header("Call-ID")).Append("\r\n")
            .Append(request.Header("CSeq")).Append("\r\n");
        if (withContact)
        {
            foreach (var recordRoute in request.Headers("Record-Route"))
            {
                text.Append(recordRoute).Append("\r\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"Contact: <{Contact}>\r\n");
        }

        if (body.Length > 0)
        {
            text.Append("Content-Type: application/sdp\r\n");
        }

        return text.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n").Append(body).ToString();
    }

    /// <summary>Checks what RFC 3261 section 16.12 leaves on a loose-routed in-dialog request.</summary>
    private void CheckLooseRouted(SipText request)
    {
        if (request.RequestUri != Contact)
        {
            Violation($"{request.Method} to {request.RequestUri}, not to the contact {Contact}");
        }

        if (request.Headers("Route").Count > 0)
        {
            Violation($"{request.Method} still carries {request.Headers("Route")[0]}");
        }

        if (request.Vias.Count < 2 || !request.Vias[0].Contains(_proxyHost, StringComparison.Ordinal) || !request.Vias[^1].Contains("uac=caller", StringComparison.Ordinal))
        {
            Violation($"{request.Method} did not come through the proxy from the caller: {string.Join(" | ", request.Vias)}");
        }
    }

    private void Send(string message, EndPoint to)
    {
        try
        {
            _socket.SendTo(Encoding.ASCII.GetBytes(message), to);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            // Stopped, or the packet could not leave: the peer's retransmission will come again.
        }
    }

    private void Violation(string text)
    {
        lock (_gate)
        {
            _violations.Add(text);
            Note("violation: " + text);
        }
    }

    private void Note(string text)
    {
        if (_journal.Count < 400)
        {
            _journal.Add(text);
        }
    }

    /// <summary>The parts of a received request this callee uses; header names in their long form, as SIPp and the proxy write them.</summary>
    private sealed partial record SipText(string Method, string RequestUri, List<string> Lines)
    {
        public List<string> Vias => Headers("Via");

        public string Branch => BranchParameter().Match(Vias.Count > 0 ? Vias[0] : string.Empty).Groups[1].Value;

        public string CallId => Value("Call-ID");

        public string ToTag => TagParameter().Match(Header("To")).Groups[1].Value;

        public string CSeqNumber => Value("CSeq").Split(' ')[0];

        public static SipText Parse(string text)
        {
            var head = text.Split("\r\n\r\n", 2)[0].Split("\r\n");
            var start = head[0].Split(' ');
            return new SipText(start[0], start.Length > 1 ? start[1] : string.Empty, [.. head[1..]]);
        }

        public string Header(string name) => Headers(name).FirstOrDefault() ?? string.Empty;

        public List<string> Headers(string name) =>
            Lines.Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).ToList();

        private string Value(string name) => Header(name) is { Length: > 0 } line ? line[(name.Length + 1)..].Trim() : string.Empty;

        [GeneratedRegex(@";branch=([^;\s,]+)", RegexOptions.IgnoreCase)]
        private static partial Regex BranchParameter();

        [GeneratedRegex(@";tag=([^;\s>]+)", RegexOptions.IgnoreCase)]
        private static partial Regex TagParameter();
    }
}
