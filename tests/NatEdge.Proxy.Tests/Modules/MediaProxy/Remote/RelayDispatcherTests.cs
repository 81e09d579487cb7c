using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NatEdge.Proxy.Modules.MediaProxy;
using NatEdge.Proxy.Modules.MediaProxy.Remote;
using NatEdge.Shared.Control;
using NatEdge.Shared.Security;

using static NatEdge.Proxy.Tests.Modules.MediaProxy.Remote.DispatcherHarness;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>The dispatcher role over loopback TLS (mediaproxy-protocol.md sections 2 and 3), with relays played by the test.</summary>
public sealed class RelayDispatcherTests : IAsyncDisposable
{
    private readonly DispatcherHarness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_relay_with_a_certificate_from_the_operator_CA_is_taken_into_the_relay_set()
    {
        await _harness.ConnectRelayAsync("relay1");

        _harness.Dispatcher.ConnectedRelays.ShouldBe(["CN=relay1"]);
    }

    [Fact]
    public async Task An_update_goes_to_the_relay_numbered_after_its_summary_and_its_reply_comes_back()
    {
        var relay = await _harness.ConnectRelayAsync("relay1");

        var sending = _harness.Dispatcher.SendAsync(Update("call-1")).AsTask();
        var request = await relay.ReadRequestAsync();
        // Spec §3.2: "<command> <seq>", the module's headers, an empty line; seq counts from 0 per connection,
        // and 0 went to the summary the relay is asked for as it connects.
        relay.SummaryRequest.ShouldBe("summary 0");
        request[0].ShouldBe("update 1");
        request.ShouldContain("call_id: call-1");
        request.ShouldContain("from_tag: ft");
        await relay.WriteLineAsync("1 127.0.0.1 30000 30002");

        var result = await sending.WaitAsync(WaitLimit);
        result.IsMedia.ShouldBeTrue(result.Detail);
        result.Reply!.RelayIp.ShouldBe("127.0.0.1");
        result.Reply.Ports.ShouldBe([30000, 30002]);
        _harness.Dispatcher.SessionCount.ShouldBe(1);
    }

    [Fact]
    public async Task Replies_find_their_requests_by_sequence_number_whatever_their_order()
    {
        var relay = await _harness.ConnectRelayAsync("relay1");

        var first = _harness.Dispatcher.SendAsync(Update("call-a")).AsTask();
        var firstRequest = await relay.ReadRequestAsync();
        var second = _harness.Dispatcher.SendAsync(Update("call-b")).AsTask();
        var secondRequest = await relay.ReadRequestAsync();
        firstRequest[0].ShouldBe("update 1");
        secondRequest[0].ShouldBe("update 2");
        await relay.WriteLineAsync("2 127.0.0.1 30010");
        await relay.WriteLineAsync("1 127.0.0.1 30020");

        (await first.WaitAsync(WaitLimit)).Reply!.Ports.ShouldBe([30020]);
        (await second.WaitAsync(WaitLimit)).Reply!.Ports.ShouldBe([30010]);
    }

    [Fact]
    public async Task A_call_stays_on_its_relay_and_its_remove_answers_removed()
    {
        var first = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(first, "call-1", 1);
        var second = await _harness.ConnectRelayAsync("relay-b");

        var reinvite = _harness.Dispatcher.SendAsync(Update("call-1")).AsTask();
        (await first.ReadRequestAsync())[0].ShouldBe("update 2");
        await first.WriteLineAsync("2 127.0.0.1 30000");
        (await reinvite.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();

        var remove = _harness.Dispatcher.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = "call-1", FromTag = "ft" }).AsTask();
        (await first.ReadRequestAsync())[0].ShouldBe("remove 3");
        // The relay answers a remove with the session's statistics (spec §3.2); the module gets removed (spec §2).
        await first.WriteLineAsync("3 {\"call_id\":\"call-1\",\"streams\":[]}");
        (await remove.WaitAsync(WaitLimit)).Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
        _harness.Dispatcher.SessionCount.ShouldBe(0);

        // The second relay saw nothing but its own ping exchange.
        await second.WriteLineAsync("ping");
        (await second.ReadLineAsync()).ShouldBe("pong");
    }

    [Theory]
    [InlineData("halting")]
    [InlineData("error")]
    public async Task A_new_call_goes_to_the_next_relay_when_the_first_refuses_it(string refusal)
    {
        var preferred = await _harness.ConnectRelayAsync("relay-a");
        var other = await _harness.ConnectRelayAsync("relay-b");

        var sending = _harness.Dispatcher.SendAsync(Update("call-1", mediaRelay: "CN=relay-a")).AsTask();
        (await preferred.ReadRequestAsync())[0].ShouldBe("update 1");
        await preferred.WriteLineAsync("1 " + refusal);
        (await other.ReadRequestAsync())[0].ShouldBe("update 1");
        await other.WriteLineAsync("1 127.0.0.1 31000");

        (await sending.WaitAsync(WaitLimit)).Reply!.Ports.ShouldBe([31000]);
    }

    [Fact]
    public async Task A_halting_relay_takes_no_new_call_but_keeps_its_own()
    {
        var halting = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(halting, "old-call", 1);
        var other = await _harness.ConnectRelayAsync("relay-b");
        var refused = _harness.Dispatcher.SendAsync(Update("call-1", mediaRelay: "CN=relay-a")).AsTask();
        await halting.ReadRequestAsync();
        await halting.WriteLineAsync("2 halting");
        await other.ReadRequestAsync();
        await other.WriteLineAsync("1 127.0.0.1 31000");
        await refused.WaitAsync(WaitLimit);

        // Preferred or not, the halting relay is no longer asked for new sessions.
        var next = _harness.Dispatcher.SendAsync(Update("call-2", mediaRelay: "CN=relay-a")).AsTask();
        (await other.ReadRequestAsync())[0].ShouldBe("update 2");
        await other.WriteLineAsync("2 127.0.0.1 31002");
        (await next.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();

        var existing = _harness.Dispatcher.SendAsync(Update("old-call")).AsTask();
        (await halting.ReadRequestAsync())[0].ShouldBe("update 3");
        await halting.WriteLineAsync("3 127.0.0.1 30000");
        (await existing.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();
    }

    [Fact]
    public async Task A_silent_relay_times_out_the_call_moves_on_and_a_ping_makes_it_active_again()
    {
        var silent = await _harness.ConnectRelayAsync("relay-a");
        var other = await _harness.ConnectRelayAsync("relay-b");

        var sending = _harness.Dispatcher.SendAsync(Update("call-1", mediaRelay: "CN=relay-a")).AsTask();
        await silent.ReadRequestAsync();
        (await other.ReadRequestAsync())[0].ShouldBe("update 1");
        await other.WriteLineAsync("1 127.0.0.1 31000");
        (await sending.WaitAsync(WaitLimit)).Reply!.Ports.ShouldBe([31000]);

        await silent.WriteLineAsync("ping");
        (await silent.ReadLineAsync()).ShouldBe("pong");
        var next = _harness.Dispatcher.SendAsync(Update("call-2", mediaRelay: "CN=relay-a")).AsTask();
        (await silent.ReadRequestAsync())[0].ShouldBe("update 2");
        await silent.WriteLineAsync("2 127.0.0.1 30000");
        (await next.WaitAsync(WaitLimit)).Reply!.Ports.ShouldBe([30000]);
    }

    [Fact]
    public async Task A_call_on_a_relay_that_disconnected_fails_and_new_calls_go_to_the_others()
    {
        var lost = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(lost, "call-1", 1);
        var other = await _harness.ConnectRelayAsync("relay-b");
        await _harness.DisconnectAsync(lost);
        await WaitUntilAsync(() => !_harness.Dispatcher.ConnectedRelays.Contains("CN=relay-a"));

        var stranded = await _harness.Dispatcher.SendAsync(Update("call-1")).AsTask().WaitAsync(WaitLimit);
        stranded.IsMedia.ShouldBeFalse();
        stranded.Detail.ShouldNotBeNull().ShouldContain("relay-a");

        var next = _harness.Dispatcher.SendAsync(Update("call-2", mediaRelay: "CN=relay-a")).AsTask();
        (await other.ReadRequestAsync())[0].ShouldBe("update 1");
        await other.WriteLineAsync("1 127.0.0.1 31000");
        (await next.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();
    }

    [Fact]
    public async Task A_relay_that_reconnects_is_asked_for_its_sessions_and_the_calls_it_lost_are_forgotten()
    {
        var relay = await _harness.ConnectRelayAsync("relay-a");
        await _harness.EstablishAsync(relay, "kept", 1);
        await _harness.EstablishAsync(relay, "lost", 2);
        await _harness.DisconnectAsync(relay);
        await WaitUntilAsync(() => _harness.Dispatcher.ConnectedRelays.Count == 0);

        var again = await _harness.ConnectRelayAsync("relay-a");

        // Spec §2: on (re)connection the dispatcher sends sessions and drops what the relay does not list.
        (await again.ReadRequestAsync()).ShouldBe(["sessions 1"]);
        await again.WriteLineAsync("1 [{\"call_id\":\"kept\",\"streams\":[]}]");
        await WaitUntilAsync(() => _harness.Dispatcher.SessionCount == 1);
        var reinvite = _harness.Dispatcher.SendAsync(Update("kept")).AsTask();
        (await again.ReadRequestAsync())[0].ShouldBe("update 2");
        await again.WriteLineAsync("2 127.0.0.1 30000");
        (await reinvite.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();
    }

    [Fact]
    public async Task A_session_the_relay_reports_expired_is_removed_without_asking_it()
    {
        var relay = await _harness.ConnectRelayAsync("relay1");
        await _harness.EstablishAsync(relay, "call-1", 1);

        await relay.WriteLineAsync("expired {\"call_id\":\"call-1\",\"streams\":[]}");
        await relay.WriteLineAsync("ping");
        (await relay.ReadLineAsync()).ShouldBe("pong");

        var remove = await _harness.Dispatcher.SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = "call-1", FromTag = "ft" }).AsTask().WaitAsync(WaitLimit);
        remove.Reply!.Kind.ShouldBe(ControlReplyKind.Removed);
        _harness.Dispatcher.SessionCount.ShouldBe(0);
    }

    [Fact]
    public async Task With_no_relay_connected_a_new_call_stays_with_the_socket()
    {
        _harness.Dispatcher.Routes(Update("call-1")).ShouldBeFalse();

        await _harness.ConnectRelayAsync("relay1");

        _harness.Dispatcher.Routes(Update("call-1")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_call_the_local_relay_took_is_not_routed_to_remote_relays_until_its_remove()
    {
        _harness.Dispatcher.NoteLocalCall(Update("local-call"), new RelayCallResult(RelayCallStatus.Answered, ControlReply.Media("127.0.0.1", [40000])));
        await _harness.ConnectRelayAsync("relay1");

        _harness.Dispatcher.Routes(Update("local-call")).ShouldBeFalse();
        _harness.Dispatcher.Routes(Update("new-call")).ShouldBeTrue();
        var remove = new ControlRequest { Command = ControlCommand.Remove, CallId = "local-call", FromTag = "ft" };
        _harness.Dispatcher.Routes(remove).ShouldBeFalse();
        _harness.Dispatcher.NoteLocalCall(remove, new RelayCallResult(RelayCallStatus.Answered, ControlReply.Removed()));
        _harness.Dispatcher.SessionCount.ShouldBe(0);
    }

    [Fact]
    public async Task The_module_client_sends_through_a_connected_relay_instead_of_its_socket()
    {
        var relay = await _harness.ConnectRelayAsync("relay1");
        using var client = new MediaRelayClient(new MediaRelayClientOptions
        {
            SocketPath = Path.Combine(_harness.Pki.Directory, "no-relay.sock"),
            Dispatcher = _harness.Dispatcher,
        });

        var sending = client.SendAsync(Update("call-1")).AsTask();
        (await relay.ReadRequestAsync())[0].ShouldBe("update 1");
        await relay.WriteLineAsync("1 127.0.0.1 30000");

        (await sending.WaitAsync(WaitLimit)).IsMedia.ShouldBeTrue();
    }

    [Fact]
    public async Task A_relay_certificate_from_another_CA_is_refused()
    {
        using var otherPki = new RelayLinkPki();
        using var foreign = otherPki.Issue("relay1", RelayLinkRole.Relay);

        await ShouldBeRefusedAsync(foreign);
    }

    [Fact]
    public async Task A_relay_without_a_certificate_is_refused()
    {
        await ShouldBeRefusedAsync(null);
    }

    [Fact]
    public async Task A_dispatcher_certificate_is_not_accepted_from_a_relay()
    {
        using var serverOnly = _harness.Pki.Issue("relay1", RelayLinkRole.Dispatcher);

        await ShouldBeRefusedAsync(serverOnly);
    }

    [Fact]
    public async Task A_plain_TCP_client_sending_update_gets_nothing()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_harness.Dispatcher.LocalEndPoint!);
        var stream = tcp.GetStream();
        await stream.WriteAsync("update 0\r\ncall_id: x\r\nfrom_tag: ft\r\n\r\n"u8.ToArray());

        var buffer = new byte[4096];
        var received = 0;
        int read;
        do
        {
            read = await stream.ReadAsync(buffer.AsMemory(received)).AsTask().WaitAsync(WaitLimit);
            received += read;
        }
        while (read > 0 && received < buffer.Length);

        // The dispatcher closes the connection without a single byte of the relay protocol.
        received.ShouldBe(0);
        _harness.Dispatcher.ConnectedRelays.ShouldBeEmpty();
    }

    private async Task ShouldBeRefusedAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        // Under TLS 1.3 the client learns of a refused certificate on its first read, so the refusal may come
        // as a failed handshake or as a link closed before its first pong.
        var failure = await Should.ThrowAsync<Exception>(() => FakeRemoteRelay.ConnectAsync(_harness.Dispatcher.LocalEndPoint!, _harness.Pki.Authority, certificate));
        failure.ShouldSatisfyAllConditions(() => (failure is AuthenticationException or IOException).ShouldBeTrue(failure.ToString()));
        _harness.Dispatcher.ConnectedRelays.ShouldBeEmpty();
    }
}
