using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Nat;

/// <summary>
/// Issue 7 end to end: two phones behind two MASQUERADE routers, each writing its private address
/// in its SDP, call each other through the proxy (public namespace) and the relay (its own host,
/// 198.18.0.20). Each phone's own receiver, in its home namespace, counts the RTP the other phone
/// sent; a re-INVITE puts the call on hold and another resumes it, on the same relay ports.
/// </summary>
public sealed partial class NatMediaProcessTests : IClassFixture<NatLab>
{
    private const string PortRange = "25600-25663";
    private const int Burst = 1000;
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(5);

    private readonly NatLab _lab;

    public NatMediaProcessTests(NatLab lab) => _lab = lab;

    /// <param name="overTls">
    /// false: the proxy reaches the relay's control socket on the shared file system; true: the relay
    /// host dials the proxy's dispatcher (198.18.0.1, issue 8) over mutual TLS, and that link is the
    /// only way between them (the proxy's socket path leads nowhere).
    /// </param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Phones_behind_two_nats_hear_each_other_through_the_relay_before_and_after_hold(bool overTls)
    {
        using var directory = new TempDirectory("natedge-nat-media-");
        using var pki = await MediaProxy.RelayLinkPki.CreateAsync("lab-relay");
        var dispatcherPort = FreePorts.UdpAndTcp();
        var relaySocket = Path.Combine(directory.Path, "relay.sock");
        var proxyRelaySocket = overTls ? Path.Combine(directory.Path, "no-local-relay.sock") : relaySocket;
        var dispatcher = overTls ? pki.DispatcherModparams(dispatcherPort, NatLab.ProxyHost.ToString()) : "";
        await using var proxy = await NatProxy.StartAsync(_lab, Script(proxyRelaySocket, dispatcher));
        string[] link = overTls ? pki.RelayArguments("lab-relay", dispatcherPort, NatLab.ProxyHost.ToString()) : [];
        await using var relay = await LabRelay.StartAsync(_lab, relaySocket, PortRange, directory, link);
        if (overTls)
        {
            await proxy.Process.WaitForOutputAsync("Relay CN=lab-relay connected", TimeSpan.FromSeconds(20));
        }

        using var callee = new LabPhone(_lab, home: 2, user: "2100");
        using var caller = new LabPhone(_lab, home: 1, user: "1100");
        using var callerMedia = new MediaEnd(_lab, home: 1);
        using var calleeMedia = new MediaEnd(_lab, home: 2);

        await callee.SendAsync(callee.Register());
        (await callee.ReceiveSipAsync(Answer, IsFinal)).ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 ");

        await caller.SendAsync(caller.Invite("2100", callerMedia.Sdp("sendrecv")));
        var invite = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("INVITE ", StringComparison.Ordinal));
        invite.ShouldNotBeNull(proxy.Process.Output + relay.Output);
        var towardsCaller = MediaTarget(invite);
        towardsCaller.Address.ShouldBe(NatLab.RelayHost, "the callee is sent to the relay, not to the caller's private address");

        await callee.SendAsync(callee.Answer(invite, "200 OK", calleeMedia.Sdp("sendrecv")));
        var ok = await caller.ReceiveSipAsync(Answer, IsFinal);
        ok.ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 OK\r\n");
        var towardsCallee = MediaTarget(ok);
        towardsCallee.Address.ShouldBe(NatLab.RelayHost);
        await caller.SendAsync(caller.InDialog("ACK", ok, 1));

        await ExchangeAsync(callerMedia, towardsCallee, calleeMedia, towardsCaller, firstSequence: 0);

        // Hold: the caller's re-INVITE says sendonly and the callee answers recvonly; then resume.
        await ReInviteAsync(caller, callee, ok, 2, callerMedia.Sdp("sendonly"), calleeMedia.Sdp("recvonly"), towardsCaller, towardsCallee);
        await ReInviteAsync(caller, callee, ok, 3, callerMedia.Sdp("sendrecv"), calleeMedia.Sdp("sendrecv"), towardsCaller, towardsCallee);

        await ExchangeAsync(callerMedia, towardsCallee, calleeMedia, towardsCaller, firstSequence: 10_000);

        await caller.SendAsync(caller.InDialog("BYE", ok, 4));
        var bye = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("BYE ", StringComparison.Ordinal));
        bye.ShouldNotBeNull(proxy.Process.Output);
        await callee.SendAsync(callee.Answer(bye, "200 OK"));
        (await caller.ReceiveSipAsync(Answer, IsFinal)).ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 OK\r\n");
    }

    /// <summary>
    /// Each phone first sends a few packets, from which the relay learns its NAT mapping (the SDP's
    /// private address is unreachable), then a burst of <see cref="Burst"/> packets each way; each
    /// receiver must count at least 99.9% of the burst the other phone sent.
    /// </summary>
    private static async Task ExchangeAsync(MediaEnd caller, IPEndPoint towardsCallee, MediaEnd callee, IPEndPoint towardsCaller, int firstSequence)
    {
        await Task.WhenAll(caller.SendAsync(towardsCallee, firstSequence, 5), callee.SendAsync(towardsCaller, firstSequence, 5));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var burst = firstSequence + 5;
        await Task.WhenAll(caller.SendAsync(towardsCallee, burst, Burst), callee.SendAsync(towardsCaller, burst, Burst));
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        var atCallee = callee.ReceivedBetween(burst, burst + Burst);
        var atCaller = caller.ReceivedBetween(burst, burst + Burst);
        var figures = $"burst of {Burst} each way from sequence {burst}: the callee received {atCallee}, the caller {atCaller}";
        Console.WriteLine(figures);
        atCallee.ShouldBeGreaterThanOrEqualTo(Burst * 999 / 1000, figures);
        atCaller.ShouldBeGreaterThanOrEqualTo(Burst * 999 / 1000, figures);
        callee.Sources.ShouldAllBe(s => s.Address.Equals(NatLab.RelayHost), "media reaches the phones from the relay only");
        caller.Sources.ShouldAllBe(s => s.Address.Equals(NatLab.RelayHost));
    }

    private static async Task ReInviteAsync(
        LabPhone caller, LabPhone callee, string ok, int cseq, string offer, string answer, IPEndPoint towardsCaller, IPEndPoint towardsCallee)
    {
        await caller.SendAsync(caller.InDialog("INVITE", ok, cseq, offer));
        var reInvite = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("INVITE ", StringComparison.Ordinal));
        reInvite.ShouldNotBeNull();
        MediaTarget(reInvite).ShouldBe(towardsCaller, "the relay keeps its ports across the re-INVITE");
        await callee.SendAsync(callee.Answer(reInvite, "200 OK", answer));
        var reOk = await caller.ReceiveSipAsync(Answer, IsFinal);
        reOk.ShouldNotBeNull().ShouldStartWith("SIP/2.0 200 OK\r\n");
        MediaTarget(reOk).ShouldBe(towardsCallee);
        await caller.SendAsync(caller.InDialog("ACK", ok, cseq));
    }

    private static bool IsFinal(string message) => message.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && message[8] != '1';

    private static IPEndPoint MediaTarget(string message)
    {
        var address = Connection().Match(message);
        var port = AudioPort().Match(message);
        address.Success.ShouldBeTrue(message);
        port.Success.ShouldBeTrue(message);
        return new IPEndPoint(IPAddress.Parse(address.Groups[1].Value), int.Parse(port.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The NAT stage's signalling (<see cref="NatProxy.Script"/>) with use_media_proxy() on every SDP offer and answer.</summary>
    private static string Script(string relaySocket, string dispatcher)
    {
        var script = NatProxy.Script(natpingInterval: 0);
        script = ReplaceOnce(
            script,
            "modparam(\"mediaproxy\", \"natping_interval\", 0)",
            $"modparam(\"mediaproxy\", \"natping_interval\", 0)\nmodparam(\"mediaproxy\", \"mediaproxy_socket\", \"{relaySocket}\")\nmodparam(\"mediaproxy\", \"mediaproxy_timeout\", 5000)\n{dispatcher}");
        script = ReplaceOnce(
            script,
            "if (loose_route()) {\n        t_relay();",
            "if (loose_route()) {\n        if (method==\"BYE\") {\n            end_media_session();\n        };\n        if (method==\"INVITE\") {\n            use_media_proxy();\n        };\n        t_relay();");
        script = ReplaceOnce(
            script,
            "    t_relay();\n}\nonreply_route[1] {",
            "    if (method==\"INVITE\") {\n        use_media_proxy();\n    };\n    t_relay();\n}\nonreply_route[1] {\n    if (status=~\"(18[0-9])|(2[0-9][0-9])\") {\n        use_media_proxy();\n    };");
        return script;
    }

    private static string ReplaceOnce(string text, string what, string with)
    {
        text.ShouldContain(what);
        return text.Replace(what, with, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^c=IN IP4 ([0-9.]+)\r?$", RegexOptions.Multiline)]
    private static partial Regex Connection();

    [GeneratedRegex(@"^m=audio (\d+) ", RegexOptions.Multiline)]
    private static partial Regex AudioPort();

    /// <summary>A phone's RTP socket in its home namespace: sends numbered packets and records what arrives.</summary>
    private sealed class MediaEnd : IDisposable
    {
        private readonly Socket _socket;
        private readonly int _home;
        private readonly ConcurrentDictionary<int, byte> _received = new();
        private readonly ConcurrentDictionary<IPEndPoint, byte> _sources = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _receiving;

        public MediaEnd(NatLab lab, int home)
        {
            _home = home;
            _socket = NetworkNamespace.CreateUdp(lab.Home(home));
            _socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            _receiving = ReceiveAsync();
        }

        public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

        public ICollection<IPEndPoint> Sources => _sources.Keys;

        /// <summary>An offer or answer with this phone's private address, as a phone behind a home router writes it.</summary>
        public string Sdp(string direction) => string.Create(
            CultureInfo.InvariantCulture,
            $"v=0\r\no=phone{_home} 1 1 IN IP4 {NatLab.Phone(_home)}\r\ns=-\r\nc=IN IP4 {NatLab.Phone(_home)}\r\nt=0 0\r\n" +
            $"m=audio {Port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na={direction}\r\n");

        /// <summary>Sends <paramref name="count"/> RTP packets (12-byte header, 160 bytes of PCMU) 2 ms apart.</summary>
        public async Task SendAsync(IPEndPoint target, int firstSequence, int count)
        {
            var packet = new byte[172];
            packet[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), (uint)(0x1000 + _home));
            for (var i = 0; i < count; i++)
            {
                var sequence = firstSequence + i;
                BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sequence);
                BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(sequence * 160));
                BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(12), sequence);
                await _socket.SendToAsync(packet, SocketFlags.None, target);
                if (i % 2 == 1)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(4));
                }
            }
        }

        /// <summary>How many distinct packets numbered from <paramref name="from"/> up to (not including) <paramref name="to"/> arrived.</summary>
        public int ReceivedBetween(int from, int to) => _received.Keys.Count(s => s >= from && s < to);

        public void Dispose()
        {
            _stop.Cancel();
            _socket.Dispose();
            try
            {
                _receiving.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
                // Stopped by closing the socket.
            }

            _stop.Dispose();
        }

        private async Task ReceiveAsync()
        {
            var buffer = new byte[2048];
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult result;
                try
                {
                    result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                if (result.ReceivedBytes >= 16)
                {
                    _received.TryAdd(BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(12)), 0);
                    _sources.TryAdd((IPEndPoint)result.RemoteEndPoint, 0);
                }
            }
        }
    }
}
