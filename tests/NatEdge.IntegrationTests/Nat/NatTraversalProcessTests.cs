using NatEdge.IntegrationTests.Lab;

namespace NatEdge.IntegrationTests.Nat;

/// <summary>
/// The NAT stage in the lab: phones behind MASQUERADE routers (no SIP helper in the lab) register
/// with private addresses, the proxy stores and uses the public mapping, and its keepalives are what
/// keeps that mapping open once the router's UDP conntrack timeout is short.
/// </summary>
public sealed class NatTraversalProcessTests : IClassFixture<NatLab>
{
    /// <summary>The routers forget a UDP mapping after this long without traffic (both conntrack UDP timeouts).</summary>
    private const int ConntrackTimeoutSeconds = 8;

    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(5);

    private readonly NatLab _lab;

    public NatTraversalProcessTests(NatLab lab) => _lab = lab;

    [Fact]
    public async Task A_call_reaches_the_registered_phone_behind_the_other_nat_at_its_public_mapping()
    {
        await using var proxy = await NatProxy.StartAsync(_lab, natpingInterval: 0);
        using var callee = new LabPhone(_lab, home: 2, user: "2000");
        using var caller = new LabPhone(_lab, home: 1, user: "1000");

        await callee.SendAsync(callee.Register());
        var registered = await callee.ReceiveSipAsync(Answer, IsFinal);
        registered.ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 ");

        // force_rport(): the reply went to the NAT's mapping and says which one it was.
        registered.ShouldContain($"received={NatLab.RouterWan(2)}");

        await caller.SendAsync(caller.Invite("2000"));
        var invite = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("INVITE ", StringComparison.Ordinal));

        // The Contact said 192.168.2.10, which nobody in the public namespace can reach:
        // the INVITE arrived because lookup() sent it to the stored post-NAT address.
        invite.ShouldNotBeNull(proxy.Process.Output).ShouldStartWith($"INVITE sip:2000@{callee.HostPort} SIP/2.0\r\n");

        // fix_nated_contact() on the caller's INVITE: the callee sees the caller's public mapping.
        invite.ShouldContain($"Contact: <sip:1000@{NatLab.RouterWan(1)}:");
        invite.ShouldNotContain($"Contact: <sip:1000@{NatLab.Phone(1)}");

        // The callee answers with its private Contact; onreply_route's fix_nated_contact() gives the caller the public one.
        await callee.SendAsync(callee.Answer(invite, "200 OK"));
        var ok = await caller.ReceiveSipAsync(Answer, IsFinal);
        ok.ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 OK\r\n");
        ok.ShouldContain($"Contact: <sip:2000@{NatLab.RouterWan(2)}:");

        // In-dialog: the caller's BYE follows the Record-Route through the proxy to the callee's public mapping.
        await caller.SendAsync(caller.InDialog("BYE", ok, 2));
        var bye = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("BYE ", StringComparison.Ordinal));
        bye.ShouldNotBeNull(proxy.Process.Output).ShouldStartWith($"BYE sip:2000@{NatLab.RouterWan(2)}:");
        await callee.SendAsync(callee.Answer(bye, "200 OK"));
        (await caller.ReceiveSipAsync(Answer, IsFinal)).ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 OK\r\n");
    }

    [Fact]
    public async Task Keepalives_hold_the_mapping_open_past_the_routers_udp_timeout()
    {
        ShortenConntrack(2);
        await using var proxy = await NatProxy.StartAsync(_lab, natpingInterval: 2);
        var reached = await CallAfterIdleAsync(proxy, user: "2001");

        reached.Invite.ShouldNotBeNull($"the INVITE did not get through the NAT although pings ran\n{proxy.Process.Output}");
        reached.Keepalives.ShouldBeGreaterThanOrEqualTo(2 * ConntrackTimeoutSeconds / 2 - 1, "one 4-byte ping every 2 s while the phone was idle");
    }

    [Fact]
    public async Task Without_keepalives_the_router_forgets_the_mapping_and_the_call_is_lost()
    {
        ShortenConntrack(2);
        await using var proxy = await NatProxy.StartAsync(_lab, natpingInterval: 0);
        var reached = await CallAfterIdleAsync(proxy, user: "2002");

        reached.Keepalives.ShouldBe(0);
        reached.Invite.ShouldBeNull("the mapping should have expired: something other than the pings kept it open");
    }

    private static bool IsFinal(string message) => message.StartsWith("SIP/2.0 ", StringComparison.Ordinal) && message[8] != '1';

    private void ShortenConntrack(int router)
    {
        var seconds = ConntrackTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        NatLab.Exec(_lab.Router(router), "sysctl", "-w", $"net.netfilter.nf_conntrack_udp_timeout={seconds}");
        NatLab.Exec(_lab.Router(router), "sysctl", "-w", $"net.netfilter.nf_conntrack_udp_timeout_stream={seconds}");
    }

    /// <summary>Registers a phone in home 2, stays silent for twice the router's timeout, then calls it from home 1.</summary>
    private async Task<(string? Invite, int Keepalives)> CallAfterIdleAsync(NatProxy proxy, string user)
    {
        using var callee = new LabPhone(_lab, home: 2, user: user);
        using var caller = new LabPhone(_lab, home: 1, user: "1000");
        await callee.SendAsync(callee.Register());
        (await callee.ReceiveSipAsync(Answer, IsFinal)).ShouldNotBeNull(proxy.Process.Output).ShouldStartWith("SIP/2.0 200 ");

        // The phone sends nothing from now on; only the proxy's pings (if any) cross the router.
        await Task.Delay(TimeSpan.FromSeconds(2 * ConntrackTimeoutSeconds));

        await caller.SendAsync(caller.Invite(user));
        var invite = await callee.ReceiveSipAsync(Answer, m => m.StartsWith("INVITE ", StringComparison.Ordinal));
        return (invite, callee.KeepalivesSeen);
    }
}
