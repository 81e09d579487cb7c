using System.Buffers;
using System.Diagnostics;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Relay;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Sip.Writing;
using NatEdge.Shared.Control;
using NatEdge.Shared.Sdp;
using Xunit.Abstractions;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// The proxy's relay control client against the real natedge-relay process, against no relay, and
/// against a socket that never answers (mediaproxy-protocol.md section 1; DESIGN.md, relay control client).
/// </summary>
public sealed class MediaRelayClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(300);

    /// <summary>For tests about answers rather than timing: a relay just started on a busy machine may be slow to its first reply.</summary>
    internal static readonly TimeSpan LoadedMachineTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Calls_from_parallel_workers_share_the_pool_and_every_one_is_answered()
    {
        const int Workers = 8;
        const int CallsPerWorker = 100;
        await using var relay = await RelayProcess.StartAsync("25440-25479");
        using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = relay.SocketPath, PoolSize = 4, Timeout = LoadedMachineTimeout, MinimumThroughput = 10_000 });

        var watch = Stopwatch.StartNew();
        var answered = await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var media = new List<MediaStreamDescription> { new("audio", "127.0.0.1", 25998, MediaDirection.SendRecv, Ice: false) };
            var count = 0;
            for (var i = 0; i < CallsPerWorker; i++)
            {
                var callId = $"pool-{worker}-{i}";
                var update = await client.SendAsync(new ControlRequest
                {
                    Command = ControlCommand.Update, Type = SdpMessageType.Request, CallId = callId, CSeq = 1, FromUri = "a@example.net",
                    ToUri = "b@example.net", FromTag = "t", UserAgent = "pool test", SignalingIp = "127.0.0.1", Media = media,
                });
                var remove = await client.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = callId, FromTag = "t" });
                count += update.IsMedia && remove.Reply?.Kind == ControlReplyKind.Removed ? 2 : 0;
            }

            return count;
        })));
        var elapsed = watch.Elapsed;

        answered.Sum().ShouldBe(Workers * CallsPerWorker * 2, relay.Stderr);
        client.ConnectionsOpened.ShouldBeLessThanOrEqualTo(4, "at most the pool's size of connections");
        output.WriteLine($"{Workers * CallsPerWorker * 2} requests from {Workers} workers over {client.ConnectionsOpened} connections in {elapsed.TotalMilliseconds:0} ms: " +
            $"{Workers * CallsPerWorker * 2 / elapsed.TotalSeconds:0} requests/s");
    }

    [Fact]
    public async Task Offer_and_answer_get_relay_ports_and_the_sdp_is_rewritten_to_them()
    {
        await using var relay = await RelayProcess.StartAsync("25000-25031");
        using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = relay.SocketPath, Timeout = LoadedMachineTimeout });

        var invite = Parse(Invite("call-offer-1", callerPort: 25990));
        MediaRequestBuilder.TryBuildUpdate(invite, "127.0.0.1", null, out var offer, out var offerSdp).ShouldBe(MediaRequestError.None);
        var offerResult = await client.SendAsync(offer!);

        offerResult.Status.ShouldBe(RelayCallStatus.Answered);
        offerResult.Reply!.Kind.ShouldBe(ControlReplyKind.Media, relay.Stderr);
        offerResult.Reply.RelayIp.ShouldBe("127.0.0.1");
        var calleeFacing = offerResult.Reply.Ports.ShouldHaveSingleItem();
        calleeFacing.ShouldBeInRange(25000, 25031);
        (calleeFacing % 2).ShouldBe(0, "RTP takes the even port of a pair (spec §4.3)");
        MediaSdpEditor.Apply(invite, offerSdp!, offerResult.Reply).ShouldBe(SdpRewriteResult.Rewritten);
        var forwarded = Body(invite);
        forwarded.ShouldContain("c=IN IP4 127.0.0.1\r\n");
        forwarded.ShouldContain($"m=audio {calleeFacing} RTP/AVP 0\r\n");

        var ok = Parse(Ok("call-offer-1", calleePort: 25992));
        MediaRequestBuilder.TryBuildUpdate(ok, "127.0.0.1", null, out var answer, out var answerSdp).ShouldBe(MediaRequestError.None);
        var answerResult = await client.SendAsync(answer!);

        answerResult.Reply!.Kind.ShouldBe(ControlReplyKind.Media);
        var callerFacing = answerResult.Reply.Ports.ShouldHaveSingleItem();
        callerFacing.ShouldBeInRange(25000, 25031);
        callerFacing.ShouldNotBe(calleeFacing, "the caller and the callee face different port pairs (spec §4.3)");
        MediaSdpEditor.Apply(ok, answerSdp!, answerResult.Reply).ShouldBe(SdpRewriteResult.Rewritten);
        Body(ok).ShouldContain($"m=audio {callerFacing} RTP/AVP 0\r\n");

        client.ConnectionsOpened.ShouldBe(1, "sequential requests reuse the persistent connection");
    }

    [Fact]
    public async Task Remove_ends_the_session_and_a_second_remove_finds_none()
    {
        await using var relay = await RelayProcess.StartAsync("25040-25071");
        using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = relay.SocketPath, Timeout = LoadedMachineTimeout });
        var invite = Parse(Invite("call-remove-1", callerPort: 25994));
        MediaRequestBuilder.TryBuildUpdate(invite, "127.0.0.1", null, out var offer, out _);
        (await client.SendAsync(offer!)).IsMedia.ShouldBeTrue(relay.Stderr);

        var remove = MediaRequestBuilder.BuildRemove(invite)!;
        var removed = await client.SendAsync(remove);
        var again = await client.SendAsync(remove);

        removed.Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
        again.Status.ShouldBe(RelayCallStatus.Answered);
        again.Reply!.Kind.ShouldBe(ControlReplyKind.Error, "spec §6.4: remove for an unknown session is answered error");
    }

    [Fact]
    public async Task No_relay_on_the_socket_fails_at_once()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = Path.Combine(directory.FullName, "absent.sock"), Timeout = ShortTimeout });

            var watch = Stopwatch.StartNew();
            var result = await client.SendAsync(Remove("call-down"));

            result.Status.ShouldBe(RelayCallStatus.Unreachable);
            watch.Elapsed.ShouldBeLessThan(ShortTimeout, "a refused connect fails before the timeout");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Silent_relay_times_out_closes_that_connection_and_the_next_request_uses_a_fresh_one()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            // The first connection never gets an answer; later ones are answered.
            await using var fake = new FakeRelaySocket(Path.Combine(directory.FullName, "slow.sock"), connection => connection == 0 ? null : "removed");
            using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = fake.Path, Timeout = ShortTimeout });

            var watch = Stopwatch.StartNew();
            var pending = client.SendAsync(Remove("call-slow"));
            var returnedAfter = watch.Elapsed;
            var result = await pending;
            var completedAfter = watch.Elapsed;

            pending.IsCompleted.ShouldBeTrue();
            returnedAfter.ShouldBeLessThan(TimeSpan.FromMilliseconds(100), "the caller gets a pending task back; no thread waits for the relay");
            result.Status.ShouldBe(RelayCallStatus.TimedOut);
            completedAfter.ShouldBeGreaterThanOrEqualTo(ShortTimeout - TimeSpan.FromMilliseconds(20));
            completedAfter.ShouldBeLessThan(ShortTimeout + TimeSpan.FromSeconds(1));
            await WaitUntilAsync(() => fake.ClosedByClient == 1, "the timed-out connection is closed");
            client.IdleConnections.ShouldBe(0);

            var next = await client.SendAsync(Remove("call-slow"));

            next.Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
            fake.Accepted.ShouldBe(2, "the next request opened a fresh connection");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Many_requests_to_a_silent_relay_hold_no_thread()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            await using var fake = new FakeRelaySocket(Path.Combine(directory.FullName, "slow.sock"), _ => null);
            using var client = new MediaRelayClient(new MediaRelayClientOptions { SocketPath = fake.Path, Timeout = ShortTimeout, PoolSize = 4, MinimumThroughput = 1000 });
            ThreadPool.GetAvailableThreads(out var workersBefore, out _);

            var watch = Stopwatch.StartNew();
            var requests = Enumerable.Range(0, 200).Select(i => client.SendAsync(Remove($"call-{i}")).AsTask()).ToArray();
            var issuedAfter = watch.Elapsed;
            var results = await Task.WhenAll(requests);

            issuedAfter.ShouldBeLessThan(TimeSpan.FromMilliseconds(250), "issuing 200 requests does not wait for any answer");
            results.ShouldAllBe(r => r.Status == RelayCallStatus.TimedOut);
            watch.Elapsed.ShouldBeLessThan(ShortTimeout + TimeSpan.FromSeconds(2), "requests waiting for a connection share the same timeout");
            ThreadPool.GetAvailableThreads(out var workersAfter, out _);
            workersAfter.ShouldBeGreaterThanOrEqualTo(workersBefore - 2);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Circuit_opens_after_failures_and_closes_when_the_relay_answers_again()
    {
        var directory = Directory.CreateTempSubdirectory("natedge-mp-");
        try
        {
            var path = Path.Combine(directory.FullName, "relay.sock");
            var breakDuration = TimeSpan.FromMilliseconds(600);
            using var client = new MediaRelayClient(new MediaRelayClientOptions
            {
                SocketPath = path,
                Timeout = ShortTimeout,
                MinimumThroughput = 2,
                FailureRatio = 0.5,
                SamplingDuration = TimeSpan.FromSeconds(5),
                BreakDuration = breakDuration,
            });

            (await client.SendAsync(Remove("c1"))).Status.ShouldBe(RelayCallStatus.Unreachable);
            (await client.SendAsync(Remove("c2"))).Status.ShouldBe(RelayCallStatus.Unreachable);
            (await client.SendAsync(Remove("c3"))).Status.ShouldBe(RelayCallStatus.CircuitOpen);

            await using var fake = new FakeRelaySocket(path, _ => "removed");
            var opened = Stopwatch.StartNew();
            (await client.SendAsync(Remove("c4"))).Status.ShouldBe(RelayCallStatus.CircuitOpen);
            fake.Accepted.ShouldBe(0, "an open circuit does not try the relay");

            var rest = breakDuration + TimeSpan.FromMilliseconds(100) - opened.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
            (await client.SendAsync(Remove("c5"))).Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
            (await client.SendAsync(Remove("c6"))).Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
            fake.Accepted.ShouldBe(1);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static ControlRequest Remove(string callId) =>
        new() { Command = ControlCommand.Remove, CallId = callId, FromTag = "a1b2", ToTag = "b9z" };

    private static string Invite(string callId, int callerPort) => Message(
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-" + callId + "\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:bob@example.net>\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "User-Agent: DemoPhone 1.0\r\n" +
        "Content-Type: application/sdp\r\n",
        Sdp("alice", callerPort));

    private static string Ok(string callId, int calleePort) => Message(
        "SIP/2.0 200 OK\r\n" +
        "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-" + callId + "\r\n" +
        "To: <sip:bob@example.net>;tag=b9z\r\n" +
        "From: <sip:alice@example.net>;tag=a1b2\r\n" +
        "Call-ID: " + callId + "\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Server: OtherPhone 2\r\n" +
        "Content-Type: application/sdp\r\n",
        Sdp("bob", calleePort));

    private static string Sdp(string user, int port) =>
        "v=0\r\n" +
        $"o={user} 1 1 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "c=IN IP4 127.0.0.1\r\n" +
        "t=0 0\r\n" +
        $"m=audio {port} RTP/AVP 0\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n";

    private static string Message(string headers, string body) => headers + $"Content-Length: {body.Length}\r\n\r\n" + body;

    private static SipMessage Parse(string text)
    {
        SipMessageParser.TryParse(Encoding.ASCII.GetBytes(text), out var message, out var error).ShouldBe(SipParseStatus.Ok, error.ToString());
        return message!;
    }

    /// <summary>The body of the message as it would be forwarded, after parsing the written bytes again.</summary>
    private static string Body(SipMessage edited)
    {
        var output = new ArrayBufferWriter<byte>();
        SipMessageWriter.Write(edited, output);
        var written = Parse(Encoding.ASCII.GetString(output.WrittenSpan));
        written.ContentLength.ShouldBe(written.Body.Length);
        return Encoding.ASCII.GetString(written[written.Body]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), what);
            await Task.Delay(20);
        }
    }
}
