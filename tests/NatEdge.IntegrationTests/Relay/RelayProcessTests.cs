using System.Diagnostics;
using System.Text.Json;
using NatEdge.Shared.Control;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>
/// The relay process over loopback with real UDP: two fake parties call through it after an update
/// request/reply pair for the offer and one for the answer, as a mediaproxy module drives it.
/// Relay port ranges sit in 27000-27299, party ports in 29000-29999.
/// </summary>
public class RelayProcessTests
{
    private const int Packets = 50;

    private static async Task<(int CallerSendsTo, int CalleeSendsTo)> EstablishAsync(ControlClient control, string callId, MediaParty caller, MediaParty callee)
    {
        var offer = await control.UpdateAsync(SdpMessageType.Request, callId, 1, "ft-" + callId, null, caller.Media());
        offer.Kind.ShouldBe(ControlReplyKind.Media, "offer answered with ports");
        offer.RelayIp.ShouldBe("127.0.0.1");
        var answer = await control.UpdateAsync(SdpMessageType.Reply, callId, 1, "ft-" + callId, "tt-" + callId, callee.Media());
        answer.Kind.ShouldBe(ControlReplyKind.Media, "answer answered with ports");
        // Downstream (the offer, towards the callee) gets the callee-facing port; upstream the caller-facing one.
        return (answer.Ports[0], offer.Ports[0]);
    }

    private static void ShouldBeInOrder(IEnumerable<MediaParty.Received> received, uint ssrc, int first, int count)
    {
        var fromParty = received.Where(r => r.Ssrc == ssrc).Select(r => r.Sequence).ToList();
        fromParty.ShouldBe(Enumerable.Range(first, count).ToList());
    }

    private static async Task<JsonElement> SummaryAsync(ControlClient control)
    {
        var line = await control.SendRawAsync("summary\r\n\r\n");
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    [Fact]
    public async Task Rtp_and_rtcp_reach_the_other_party_in_order_both_ways()
    {
        await using var relay = await RelayProcess.StartAsync("27000-27032");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0xCA11E4);
        using var callee = new MediaParty(0xCA11EE);
        var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "both-ways", caller, callee);

        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, Packets), callee.SendRtpAsync(calleeSendsTo, Packets));
        await MediaParty.WaitForAsync(callee.Rtp, Packets);
        await MediaParty.WaitForAsync(caller.Rtp, Packets);
        ShouldBeInOrder(callee.Rtp, caller.Ssrc, 0, Packets);
        ShouldBeInOrder(caller.Rtp, callee.Ssrc, 0, Packets);
        callee.Rtp.ShouldAllBe(r => r.FromPort == calleeSendsTo && r.Length == MediaParty.RtpBytes, "symmetric: media comes from the port the party sends to");
        caller.Rtp.ShouldAllBe(r => r.FromPort == callerSendsTo);

        await Task.WhenAll(caller.SendRtcpAsync(callerSendsTo + 1, 10), callee.SendRtcpAsync(calleeSendsTo + 1, 10));
        await MediaParty.WaitForAsync(callee.Rtcp, 10);
        await MediaParty.WaitForAsync(caller.Rtcp, 10);
        ShouldBeInOrder(callee.Rtcp, caller.Ssrc, 0, 10);
        ShouldBeInOrder(caller.Rtcp, callee.Ssrc, 0, 10);
        callee.Rtcp.ShouldAllBe(r => r.FromPort == calleeSendsTo + 1);
    }

    [Fact]
    public async Task A_third_source_spraying_the_relay_ports_is_dropped_and_counted()
    {
        await using var relay = await RelayProcess.StartAsync("27040-27072");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0xA1);
        using var callee = new MediaParty(0xB2);
        var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "spray", caller, callee);
        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, 10), callee.SendRtpAsync(calleeSendsTo, 10));
        await MediaParty.WaitForAsync(callee.Rtp, 10);
        await MediaParty.WaitForAsync(caller.Rtp, 10);

        const uint attacker = 0xBAD;
        await Task.WhenAll(MediaParty.SprayAsync(callerSendsTo, 25, attacker), MediaParty.SprayAsync(calleeSendsTo, 25, attacker));
        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, 10, 10), callee.SendRtpAsync(calleeSendsTo, 10, 10));
        await MediaParty.WaitForAsync(callee.Rtp, 20);
        await MediaParty.WaitForAsync(caller.Rtp, 20);
        await Task.Delay(200);

        callee.Rtp.ShouldNotContain(r => r.Ssrc == attacker);
        caller.Rtp.ShouldNotContain(r => r.Ssrc == attacker);
        ShouldBeInOrder(callee.Rtp, caller.Ssrc, 0, 20);
        ShouldBeInOrder(caller.Rtp, callee.Ssrc, 0, 20);
        var summary = await SummaryAsync(control);
        summary.GetProperty("packets_dropped").GetInt64().ShouldBe(50);
        summary.GetProperty("packets_relayed").GetInt64().ShouldBe(40);
    }

    [Fact]
    public async Task Hold_and_resume_by_re_invite_keep_the_ports_and_media_flows_again()
    {
        await using var relay = await RelayProcess.StartAsync("27080-27112");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0x11);
        using var callee = new MediaParty(0x22);
        var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "hold", caller, callee);
        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, 10), callee.SendRtpAsync(calleeSendsTo, 10));

        // The callee puts the call on hold and takes it back (spec §6.2): found by its To tag, upstream.
        var hold = await control.UpdateAsync(SdpMessageType.Request, "hold", 2, "tt-hold", "ft-hold", callee.Media("sendonly"));
        hold.Ports.ShouldBe([callerSendsTo]);
        var holdAnswer = await control.UpdateAsync(SdpMessageType.Reply, "hold", 2, "tt-hold", "ft-hold", caller.Media("recvonly"));
        holdAnswer.Ports.ShouldBe([calleeSendsTo]);
        var resume = await control.UpdateAsync(SdpMessageType.Request, "hold", 3, "tt-hold", "ft-hold", callee.Media());
        resume.Ports.ShouldBe([callerSendsTo]);
        var resumeAnswer = await control.UpdateAsync(SdpMessageType.Reply, "hold", 3, "tt-hold", "ft-hold", caller.Media());
        resumeAnswer.Ports.ShouldBe([calleeSendsTo]);

        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, 10, 10), callee.SendRtpAsync(calleeSendsTo, 10, 10));
        await MediaParty.WaitForAsync(callee.Rtp, 20);
        await MediaParty.WaitForAsync(caller.Rtp, 20);
        ShouldBeInOrder(callee.Rtp, caller.Ssrc, 0, 20);
        ShouldBeInOrder(caller.Rtp, callee.Ssrc, 0, 20);
    }

    [Fact]
    public async Task A_re_invite_answered_from_a_new_address_resets_the_party_and_the_new_source_is_learned()
    {
        await using var relay = await RelayProcess.StartAsync("27400-27432");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0x101);
        using var callee = new MediaParty(0x202);
        using var moved = new MediaParty(0x303);
        var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "moved", caller, callee);
        await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, 10), callee.SendRtpAsync(calleeSendsTo, 10));
        await MediaParty.WaitForAsync(callee.Rtp, 10);

        // The caller re-offers unchanged; the callee answers from another address (spec §4.2: reset for that party).
        (await control.UpdateAsync(SdpMessageType.Request, "moved", 2, "ft-moved", "tt-moved", caller.Media())).Ports.ShouldBe([calleeSendsTo]);
        (await control.UpdateAsync(SdpMessageType.Reply, "moved", 2, "ft-moved", "tt-moved", moved.Media())).Ports.ShouldBe([callerSendsTo]);

        await callee.SendRtpAsync(calleeSendsTo, 5, 100);        // the obsolete source is ignored
        await moved.SendRtpAsync(calleeSendsTo, 10);              // the next different source is learned
        await caller.SendRtpAsync(callerSendsTo, 10, 10);         // and the caller's media follows it
        await MediaParty.WaitForAsync(moved.Rtp, 10);
        await MediaParty.WaitForAsync(caller.Rtp, 20);
        await Task.Delay(200);

        ShouldBeInOrder(moved.Rtp, caller.Ssrc, 10, 10);
        ShouldBeInOrder(caller.Rtp, callee.Ssrc, 0, 10);
        ShouldBeInOrder(caller.Rtp, moved.Ssrc, 0, 10);
        (await SummaryAsync(control)).GetProperty("packets_dropped").GetInt64().ShouldBe(5);
    }

    [Fact]
    public async Task Remove_records_statistics_whose_counts_match_what_was_sent()
    {
        await using var relay = await RelayProcess.StartAsync("27120-27152");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0x33);
        using var callee = new MediaParty(0x44);
        var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "stats", caller, callee);
        await Task.WhenAll(
            caller.SendRtpAsync(callerSendsTo, Packets), callee.SendRtpAsync(calleeSendsTo, 30),
            caller.SendRtcpAsync(callerSendsTo + 1, 5), callee.SendRtcpAsync(calleeSendsTo + 1, 3));
        await MediaParty.WaitForAsync(callee.Rtp, Packets);
        await MediaParty.WaitForAsync(caller.Rtp, 30);

        (await control.RemoveAsync("stats", "ft-stats", "tt-stats")).ShouldBe("removed");
        (await control.RemoveAsync("stats", "ft-stats", "tt-stats")).ShouldBe("error", "the session is gone");

        var line = relay.AccountingLines().ShouldHaveSingleItem();
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        root.GetProperty("call_id").GetString().ShouldBe("stats");
        root.GetProperty("timed_out").GetBoolean().ShouldBeFalse();
        var stream = root.GetProperty("streams").EnumerateArray().ShouldHaveSingleItem();
        stream.GetProperty("status").GetString().ShouldBe("closed");
        stream.GetProperty("caller_codec").GetString().ShouldBe("G711u");
        // MediaProxy counts RTP and RTCP together (spec §4.6).
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(Packets + 5);
        stream.GetProperty("callee_packets").GetInt64().ShouldBe(30 + 3);
        stream.GetProperty("caller_bytes").GetInt64().ShouldBe((Packets * MediaParty.RtpBytes) + (5 * MediaParty.RtcpBytes));
        stream.GetProperty("callee_bytes").GetInt64().ShouldBe((30 * MediaParty.RtpBytes) + (3 * MediaParty.RtcpBytes));
        stream.GetProperty("caller_remote").GetString().ShouldBe($"127.0.0.1:{caller.Port}");
        stream.GetProperty("callee_remote").GetString().ShouldBe($"127.0.0.1:{callee.Port}");
    }

    [Fact]
    public async Task A_silent_party_is_timed_out_at_stream_timeout()
    {
        await using var relay = await RelayProcess.StartAsync("27160-27192", "--stream-timeout", "2");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0x55);
        using var callee = new MediaParty(0x66);
        var clock = Stopwatch.StartNew();
        var (callerSendsTo, _) = await EstablishAsync(control, "silent", caller, callee);
        await caller.SendRtpAsync(callerSendsTo, 25);   // the callee never sends
        var sessions = (await SummaryAsync(control)).GetProperty("session_count").GetInt32();
        if (clock.Elapsed < TimeSpan.FromSeconds(1.9)) sessions.ShouldBe(1, "the 2 s timeout has not passed yet");

        while (relay.AccountingLines().Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(15)) await Task.Delay(50);
        // The stream was created after the clock started, so the timeout cannot come before 2 s; the upper
        // bound leaves room for a loaded machine while still ruling out the 90 s default.
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8));
        using var json = JsonDocument.Parse(relay.AccountingLines().ShouldHaveSingleItem());
        json.RootElement.GetProperty("timed_out").GetBoolean().ShouldBeTrue();
        var stream = json.RootElement.GetProperty("streams")[0];
        stream.GetProperty("status").GetString().ShouldBe("no-traffic timeout");
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(25);
        (await SummaryAsync(control)).GetProperty("session_count").GetInt32().ShouldBe(0);
        (await control.RemoveAsync("silent", "ft-silent", "tt-silent")).ShouldBe("removed", "a dispatcher answers for an expired session");
    }

    [Fact]
    public async Task A_range_of_eight_streams_refuses_the_ninth_while_the_eight_keep_flowing()
    {
        // 27200-27232: sixteen pairs, two per stream.
        await using var relay = await RelayProcess.StartAsync("27200-27232");
        using var control = await relay.ConnectAsync();
        var parties = Enumerable.Range(0, 8).Select(i => (Caller: new MediaParty((uint)(0x1000 + i)), Callee: new MediaParty((uint)(0x2000 + i)))).ToList();
        try
        {
            var ports = new List<(int CallerSendsTo, int CalleeSendsTo)>();
            for (var i = 0; i < 8; i++) ports.Add(await EstablishAsync(control, $"full-{i}", parties[i].Caller, parties[i].Callee));
            ports.SelectMany(p => new[] { p.CallerSendsTo, p.CalleeSendsTo }).Distinct().Count().ShouldBe(16);

            using var extra = new MediaParty(0x9999);
            var ninth = await control.SendAsync(new ControlRequest
            {
                Command = ControlCommand.Update, Type = SdpMessageType.Request, CallId = "full-8", CSeq = 1,
                FromUri = "a@natedge.test", ToUri = "b@natedge.test", FromTag = "ft-full-8", UserAgent = "Caller Test",
                SignalingIp = "127.0.0.1", Media = [new MediaStreamDescription("audio", "127.0.0.1", extra.Port, MediaDirection.SendRecv, false)],
            });
            ninth.ShouldBe("error");

            await Task.WhenAll(Enumerable.Range(0, 8).SelectMany(i => new[]
            {
                parties[i].Caller.SendRtpAsync(ports[i].CallerSendsTo, 10),
                parties[i].Callee.SendRtpAsync(ports[i].CalleeSendsTo, 10),
            }));
            for (var i = 0; i < 8; i++)
            {
                await MediaParty.WaitForAsync(parties[i].Callee.Rtp, 10);
                await MediaParty.WaitForAsync(parties[i].Caller.Rtp, 10);
                ShouldBeInOrder(parties[i].Callee.Rtp, parties[i].Caller.Ssrc, 0, 10);
                ShouldBeInOrder(parties[i].Caller.Rtp, parties[i].Callee.Ssrc, 0, 10);
            }
            var summary = await SummaryAsync(control);
            summary.GetProperty("port_exhaustions").GetInt64().ShouldBe(1);
            relay.Stderr.ShouldContain("exhausted");
        }
        finally
        {
            foreach (var (c, e) in parties)
            {
                c.Dispose();
                e.Dispose();
            }
        }
    }

    [Fact]
    public async Task Garbled_requests_are_answered_error_on_a_connection_that_stays_open()
    {
        await using var relay = await RelayProcess.StartAsync("27240-27272");
        using var control = await relay.ConnectAsync();
        (await control.SendRawAsync("hello relay\r\n\r\n")).ShouldBe("error");
        (await control.SendRawAsync("update\r\ncall_id: x\r\ncseq: one\r\n\r\n")).ShouldBe("error");
        (await control.SendRawAsync("update\r\ncall_id: x\r\nfrom_tag: y\r\n\r\n")).ShouldBe("error", "mandatory headers missing");
        // Pipelined requests are answered in order.
        (await control.SendRawAsync("summary\r\n\r\nbogus\r\n\r\nsessions\r\n\r\n")).ShouldStartWith("{");
        (await control.ReadLineAsync()).ShouldBe("error");
        (await control.ReadLineAsync()).ShouldBe("[]");
        new FileInfo(relay.SocketPath).UnixFileMode.ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }

    [Fact]
    public async Task Sigterm_stops_the_relay_cleanly_and_records_open_sessions()
    {
        const int FromCaller = 20, FromCallee = 12;
        var relay = await RelayProcess.StartAsync("27280-27296");
        using (var control = await relay.ConnectAsync())
        using (var caller = new MediaParty(0x77))
        using (var callee = new MediaParty(0x88))
        {
            var (callerSendsTo, calleeSendsTo) = await EstablishAsync(control, "open-at-stop", caller, callee);
            await Task.WhenAll(caller.SendRtpAsync(callerSendsTo, FromCaller), callee.SendRtpAsync(calleeSendsTo, FromCallee));
            await MediaParty.WaitForAsync(callee.Rtp, FromCaller);
            await MediaParty.WaitForAsync(caller.Rtp, FromCallee);
        }
        relay.AccountingLines().ShouldBeEmpty("a live session is accounted when it ends");

        await relay.DisposeAsync();

        relay.ExitCode.ShouldBe(0);
        relay.Stderr.ShouldContain("stopped");
        File.Exists(relay.SocketPath).ShouldBeFalse("the socket file is removed at exit");
        using var json = JsonDocument.Parse(relay.FinalAccountingLines.ShouldHaveSingleItem());
        json.RootElement.GetProperty("call_id").GetString().ShouldBe("open-at-stop");
        var stream = json.RootElement.GetProperty("streams").EnumerateArray().ShouldHaveSingleItem();
        stream.GetProperty("status").GetString().ShouldBe("closed");
        stream.GetProperty("caller_packets").GetInt64().ShouldBe(FromCaller, "the traffic up to SIGTERM is in the record");
        stream.GetProperty("callee_packets").GetInt64().ShouldBe(FromCallee);
        stream.GetProperty("caller_bytes").GetInt64().ShouldBe(FromCaller * MediaParty.RtpBytes);
        stream.GetProperty("callee_bytes").GetInt64().ShouldBe(FromCallee * MediaParty.RtpBytes);
    }

    [Theory]
    [InlineData("--port-range", "27001-27032")]
    [InlineData("--stream-timeout", "soon")]
    [InlineData("--relay-ip", "localhost")]
    public async Task Bad_settings_exit_with_code_2_and_say_why(string flag, string value)
    {
        var (exitCode, stderr) = await RelayProcess.RunToExitAsync("run", "--control-socket", Path.Combine(Path.GetTempPath(), "unused.sock"), flag, value);
        exitCode.ShouldBe(2);
        stderr.ShouldContain(flag);
    }

    [Fact]
    public async Task A_missing_config_file_is_a_configuration_error()
    {
        var (exitCode, stderr) = await RelayProcess.RunToExitAsync("run", "--config", "/nonexistent/relay.ini");
        exitCode.ShouldBe(2);
        stderr.ShouldContain("/nonexistent/relay.ini");
    }
}
