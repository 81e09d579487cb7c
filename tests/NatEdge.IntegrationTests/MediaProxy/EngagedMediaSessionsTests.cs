using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using NatEdge.IntegrationTests.Relay;
using NatEdge.Proxy.Modules.Dialog;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// engage_media_proxy(): one call on the INVITE, then the dialog's messages drive the real relay
/// (offer, answer, end) without further script calls (mediaproxy-protocol.md §1.2).
/// </summary>
public sealed class EngagedMediaSessionsTests
{
    [Fact]
    public async Task Engaged_call_is_offered_answered_and_removed_at_bye()
    {
        await using var relay = await RelayProcess.StartAsync("25120-25151");
        using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = relay.SocketPath, Timeout = MediaRelayClientTests.LoadedMachineTimeout });
        var sessions = new EngagedMediaSessions(new DialogTracker(TimeProvider.System), client);
        var invite = Parse(Invite("engaged-1"));

        (await sessions.EngageAsync(Context(invite))).ShouldBe(1, relay.Stderr);

        RelayPort(invite).ShouldBeInRange(25120, 25151);
        var dialog = sessions.Dialogs.Find("engaged-1", "a1b2", null).ShouldNotBeNull();
        dialog.MediaEngaged.ShouldBeTrue();

        (await sessions.ObserveAsync(Parse(Reply("engaged-1", 180, "Ringing", sdp: false)), "127.0.0.1")).ShouldBeTrue();
        var ok = Parse(Reply("engaged-1", 200, "OK", sdp: true));
        (await sessions.ObserveAsync(ok, "127.0.0.1")).ShouldBeTrue();

        RelayPort(ok).ShouldBeInRange(25120, 25151);
        RelayPort(ok).ShouldNotBe(RelayPort(invite));
        dialog.State.ShouldBe(DialogState.Confirmed);
        (await SessionsAsync(relay)).GetArrayLength().ShouldBe(1);

        // The callee hangs up: From is its tag, To the caller's.
        (await sessions.ObserveAsync(Parse(Bye("engaged-1", fromTag: "b9z", toTag: "a1b2")), "127.0.0.1")).ShouldBeTrue();

        dialog.State.ShouldBe(DialogState.Ended);
        sessions.Dialogs.Count.ShouldBe(0);
        (await SessionsAsync(relay)).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Failed_invite_and_an_ended_dialog_remove_their_sessions()
    {
        await using var relay = await RelayProcess.StartAsync("25160-25191");
        using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = relay.SocketPath, Timeout = MediaRelayClientTests.LoadedMachineTimeout });
        var sessions = new EngagedMediaSessions(new DialogTracker(TimeProvider.System), client);

        (await sessions.EngageAsync(Context(Parse(Invite("busy-1"))))).ShouldBe(1);
        (await sessions.EngageAsync(Context(Parse(Invite("ended-1"))))).ShouldBe(1);
        (await SessionsAsync(relay)).GetArrayLength().ShouldBe(2);

        (await sessions.ObserveAsync(Parse(Reply("busy-1", 486, "Busy Here", sdp: false)), "127.0.0.1")).ShouldBeTrue();
        var ended = sessions.Dialogs.Find("ended-1", "a1b2", null)!;
        (await sessions.Dialogs.End(sessions.Dialogs.FindById(ended.Id)!)).ShouldBeTrue();

        (await SessionsAsync(relay)).GetArrayLength().ShouldBe(0);
        (await sessions.ObserveAsync(Parse(Bye("ended-1", "a1b2", "b9z")), "127.0.0.1")).ShouldBeFalse("the dialog is gone");
    }

    private static RouteContext Context(SipMessage message)
    {
        var context = new RouteContext(new SipStatelessReplySink(new NoReplies()), new TextWriterScriptLog(TextWriter.Null));
        context.Reset(new SipScriptMessage().Reset(message), ReceiveInfo.From(new IPEndPoint(IPAddress.Loopback, 25998), new IPEndPoint(IPAddress.Loopback, 5060), TransportProtocol.Udp));
        return context;
    }

    private static string Invite(string callId) => Message(
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25998;branch=z9hG4bK-" + callId + "\r\n" +
        "To: <sip:bob@example.net>\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n",
        Sdp(25996));

    private static string Reply(string callId, int status, string reason, bool sdp) => Message(
        $"SIP/2.0 {status} {reason}\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25998;branch=z9hG4bK-" + callId + "\r\n" +
        "To: <sip:bob@example.net>;tag=b9z\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n",
        sdp ? Sdp(25994) : null);

    private static string Bye(string callId, string fromTag, string toTag) => Message(
        "BYE sip:alice@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:25997;branch=z9hG4bK-bye-" + callId + "\r\n" +
        $"To: <sip:alice@example.net>;tag={toTag}\r\n" +
        $"From: <sip:bob@example.net>;tag={fromTag}\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 BYE\r\n",
        null);

    private static string Sdp(int port) =>
        "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" + $"m=audio {port} RTP/AVP 0\r\n";

    private static string Message(string headers, string? sdp) => sdp is null
        ? headers + "Content-Length: 0\r\n\r\n"
        : headers + "Content-Type: application/sdp\r\n" + $"Content-Length: {sdp.Length}\r\n\r\n" + sdp;

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }

    /// <summary>The audio port of the message as it would be forwarded.</summary>
    private static int RelayPort(SipMessage edited)
    {
        var output = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(edited, output);
        return MediaCallParty.AudioEndPoint(Encoding.ASCII.GetString(output.WrittenSpan)).Port;
    }

    private static async Task<JsonElement> SessionsAsync(RelayProcess relay)
    {
        using var control = await relay.ConnectAsync();
        return JsonDocument.Parse(await control.SendRawAsync("sessions\r\n\r\n")).RootElement.Clone();
    }

    /// <summary>The functions under test send no SIP replies.</summary>
    private sealed class NoReplies : IReplyTransport
    {
        public ValueTask<bool> SendReplyAsync(ReadOnlyMemory<byte> reply, SipMessage request, ReceiveInfo received) => new(false);
    }
}
