using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Net;
using NatEdge.MediaRelay.Control;
using NatEdge.MediaRelay.Discovery;
using NatEdge.MediaRelay.Tests.Sessions;
using NatEdge.Shared.Security;

namespace NatEdge.MediaRelay.Tests.Control;

/// <summary>The relay's side of the relay protocol (mediaproxy-protocol.md section 3) against a dispatcher played by the test.</summary>
public sealed class DispatcherLinkTests : IDisposable
{
    private static readonly TimeSpan KeepaliveInterval = TimeSpan.FromMilliseconds(200);
    private readonly LinkCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Numbered_requests_are_answered_from_the_session_table_with_their_numbers()
    {
        await using var linked = StartLinkedRelay(28800, 28832);
        using var connection = await linked.Dispatcher.AcceptAsync();

        await connection.WriteAsync("update 0\r\ntype: request\r\ncall_id: c1\r\ncseq: 1\r\nfrom_uri: a@x\r\nto_uri: b@x\r\nfrom_tag: ft\r\nuser_agent: ua\r\nmedia: audio:127.0.0.1:8000:sendrecv\r\n\r\n");
        var update = (await connection.ReadReplyAsync()).ShouldNotBeNull().Split(' ');
        await connection.WriteAsync("summary 1\r\n\r\nremove 2\r\ncall_id: c1\r\nfrom_tag: ft\r\n\r\nremove 3\r\ncall_id: c1\r\nfrom_tag: ft\r\n\r\n");
        var summary = await connection.ReadReplyAsync();
        var removed = await connection.ReadReplyAsync();
        var unknown = await connection.ReadReplyAsync();

        // Spec §3.2: "<seq> <payload>"; update → ip and one port per stream; remove → the statistics, error when unknown.
        update.Length.ShouldBe(3);
        update[0].ShouldBe("0");
        update[1].ShouldBe("127.0.0.1");
        int.Parse(update[2], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(28800, 28832);
        summary.ShouldNotBeNull().ShouldStartWith("1 ");
        using (var json = JsonDocument.Parse(summary[2..]))
        {
            json.RootElement.GetProperty("session_count").GetInt32().ShouldBe(1);
        }

        removed.ShouldNotBeNull().ShouldStartWith("2 ");
        using (var json = JsonDocument.Parse(removed[2..]))
        {
            json.RootElement.GetProperty("call_id").GetString().ShouldBe("c1");
        }

        unknown.ShouldBe("3 error");
    }

    [Fact]
    public async Task A_numbered_request_that_does_not_decode_is_answered_error_with_its_number()
    {
        await using var linked = StartLinkedRelay(28960, 28992);
        using var connection = await linked.Dispatcher.AcceptAsync();

        await connection.WriteAsync("update 4\r\nfrom_tag: ft\r\n\r\nupdate 5\r\ncall_id: c1\r\ncseq: one\r\n\r\nbogus 6\r\n\r\n");

        // Spec §3.2: missing mandatory headers, undecodable values and unknown commands are answered error.
        (await connection.ReadReplyAsync()).ShouldBe("4 error");
        (await connection.ReadReplyAsync()).ShouldBe("5 error");
        (await connection.ReadReplyAsync()).ShouldBe("6 error");
    }

    [Fact]
    public async Task The_relay_pings_and_gives_up_after_three_unanswered_then_dials_again()
    {
        await using var linked = StartLinkedRelay(28840, 28872);
        using var silent = await linked.Dispatcher.AcceptAsync();

        var lines = new List<string>();
        while (await silent.ReadLineAsync() is { } line) lines.Add(line);

        // Spec §3.2: ping every keepalive interval; the relay drops the link after three unanswered pings.
        lines.ShouldBe(["ping", "ping", "ping"]);
        using var again = await linked.Dispatcher.AcceptAsync();
        (await again.ReadLineAsync()).ShouldBe("ping");
        await again.WriteAsync("pong\r\n");
        (await again.ReadLineAsync()).ShouldBe("ping");
    }

    [Fact]
    public async Task A_session_that_ends_on_its_own_is_reported_expired()
    {
        await using var linked = StartLinkedRelay(28880, 28912);
        using var connection = await linked.Dispatcher.AcceptAsync();
        linked.Relay.Update(Shared.Control.SdpMessageType.Request, 1, "ft", null, "audio:127.0.0.1:8000:sendrecv", callId: "silent-call");

        linked.Relay.Time.Advance(TimeSpan.FromSeconds(90.2));   // stream_timeout: the party never sent a packet (spec §4.5)

        var expired = (await connection.ReadReplyAsync()).ShouldNotBeNull();
        expired.ShouldStartWith("expired ");
        using var json = JsonDocument.Parse(expired["expired ".Length..]);
        json.RootElement.GetProperty("call_id").GetString().ShouldBe("silent-call");
    }

    [Fact]
    public async Task A_dispatcher_with_a_certificate_from_another_CA_is_refused()
    {
        using var otherAuthority = OperatorCertificates.CreateAuthority("Other CA", DateTimeOffset.UtcNow, LinkCertificates.Validity);
        using var foreign = OperatorCertificates.Issue(otherAuthority, "proxy", RelayLinkRole.Dispatcher, [], DateTimeOffset.UtcNow, LinkCertificates.Validity);
        await using var linked = StartLinkedRelay(28920, 28952, new FakeDispatcher(foreign, otherAuthority));

        // The relay checks the dispatcher's certificate before sending anything, so it never gets a ping through.
        await Should.ThrowAsync<Exception>(async () =>
        {
            using var refused = await linked.Dispatcher.AcceptAsync();
            (await refused.ReadLineAsync()).ShouldBe("ping");
        });
    }

    [Fact]
    public async Task A_retired_link_refuses_new_sessions_serves_its_own_and_closes_after_the_last_remove()
    {
        await using var linked = StartLinkedRelay(29000, 29032);
        using var connection = await linked.Dispatcher.AcceptAsync();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        linked.Link.Ended += _ => ended.TrySetResult();
        await connection.WriteAsync(Update(0, "kept", cseq: 1));
        (await connection.ReadReplyAsync()).ShouldNotBeNull().ShouldStartWith("0 127.0.0.1 ");

        linked.Link.Retire();
        await connection.WriteAsync(Update(1, "new-call", cseq: 1));
        await connection.WriteAsync(Update(2, "kept", cseq: 2));
        await connection.WriteAsync("remove 3\r\ncall_id: kept\r\nfrom_tag: ft\r\n\r\n");

        // Spec §3.2: halting sends the dispatcher to another relay for a new session; the running call carries on.
        (await connection.ReadReplyAsync()).ShouldBe("1 halting");
        (await connection.ReadReplyAsync()).ShouldNotBeNull().ShouldStartWith("2 127.0.0.1 ");
        (await connection.ReadReplyAsync()).ShouldNotBeNull().ShouldStartWith("3 {");
        await ended.Task.WaitAsync(FakeDispatcher.WaitLimit);
        string? line;
        while ((line = await connection.ReadReplyAsync()) is not null) line.ShouldBe("pong");
        linked.Relay.Table.Count.ShouldBe(0);
    }

    [Fact]
    public async Task A_retired_link_with_no_session_closes_at_once()
    {
        await using var linked = StartLinkedRelay(29040, 29072);
        using var connection = await linked.Dispatcher.AcceptAsync();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        linked.Link.Ended += _ => ended.TrySetResult();
        (await connection.ReadLineAsync()).ShouldBe("ping");

        linked.Link.Retire();

        await ended.Task.WaitAsync(FakeDispatcher.WaitLimit);
        linked.Link.Reachability.ShouldBe(LinkReachability.Connected, "it was up until it was let go");
    }

    private static string Update(int sequence, string callId, int cseq) =>
        $"update {sequence}\r\ntype: request\r\ncall_id: {callId}\r\ncseq: {cseq}\r\nfrom_uri: a@x\r\nto_uri: b@x\r\nfrom_tag: ft\r\nuser_agent: ua\r\nmedia: audio:127.0.0.1:8000:sendrecv\r\n\r\n";

    /// <summary>A session table whose link dials <paramref name="dispatcher"/> (by default one with this test's CA), every delay short.</summary>
    private LinkedRelay StartLinkedRelay(int low, int high, FakeDispatcher? dispatcher = null)
    {
        var relay = new RelayFixture(low, high);
        dispatcher ??= new FakeDispatcher(_certificates.Dispatcher, _certificates.Authority);
        var options = relay.Options with
        {
            Dispatchers = [dispatcher.EndPoint],
            KeepaliveInterval = KeepaliveInterval,
            FirstReconnectDelay = TimeSpan.FromMilliseconds(100),
            ReconnectDelay = TimeSpan.FromMilliseconds(300),
        };
        var link = new DispatcherLink(DispatcherTarget.ForAddress(IPAddress.Loopback, dispatcher.EndPoint.Port), options, _certificates.Relay, _certificates.Authority, new ControlDispatcher(relay.Table, "test"), TimeProvider.System);
        relay.Table.SessionExpired += link.ReportExpired;
        link.Start();
        return new LinkedRelay(relay, dispatcher, link);
    }

    private sealed class LinkedRelay(RelayFixture relay, FakeDispatcher dispatcher, DispatcherLink link) : IAsyncDisposable
    {
        public RelayFixture Relay => relay;
        public FakeDispatcher Dispatcher => dispatcher;
        public DispatcherLink Link => link;

        public async ValueTask DisposeAsync()
        {
            await link.DisposeAsync();
            dispatcher.Dispose();
            relay.Dispose();
        }
    }
}
