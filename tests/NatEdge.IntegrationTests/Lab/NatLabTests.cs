using System.Net;
using System.Net.Sockets;

namespace NatEdge.IntegrationTests.Lab;

/// <summary>
/// The lab itself must behave like home routers do, or every NAT test built on
/// it proves nothing: outbound packets leave with the router's address, replies
/// to that mapping come back, and nothing unsolicited gets in.
/// </summary>
public sealed class NatLabTests : IClassFixture<NatLab>
{
    private readonly NatLab _lab;

    public NatLabTests(NatLab lab) => _lab = lab;

    [Fact]
    public async Task Outbound_udp_leaves_with_the_routers_public_address_and_the_reply_comes_back()
    {
        using var server = NetworkNamespace.CreateUdp(_lab.Public);
        server.Bind(new IPEndPoint(NatLab.ProxyHost, 0));
        using var phone = NetworkNamespace.CreateUdp(_lab.Home(1));
        phone.Bind(new IPEndPoint(IPAddress.Any, 0));

        await phone.SendToAsync("hello"u8.ToArray(), server.LocalEndPoint!);
        var buffer = new byte[64];
        var received = await ReceiveAsync(server, buffer);

        var seen = (IPEndPoint)received.RemoteEndPoint;
        seen.Address.ShouldBe(NatLab.RouterWan(1), "MASQUERADE rewrites the private source to the router's WAN address");

        await server.SendToAsync("reply"u8.ToArray(), seen);
        var back = await ReceiveAsync(phone, buffer);
        ((IPEndPoint)back.RemoteEndPoint).Address.ShouldBe(NatLab.ProxyHost);
    }

    [Fact]
    public async Task An_unsolicited_packet_to_the_router_does_not_reach_the_phone()
    {
        using var phone = NetworkNamespace.CreateUdp(_lab.Home(2));
        phone.Bind(new IPEndPoint(IPAddress.Any, 0));
        var port = ((IPEndPoint)phone.LocalEndPoint!).Port;
        using var stranger = NetworkNamespace.CreateUdp(_lab.Public);

        await stranger.SendToAsync("knock"u8.ToArray(), new IPEndPoint(NatLab.RouterWan(2), port));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Should.ThrowAsync<OperationCanceledException>(
            async () => await phone.ReceiveFromAsync(new byte[64], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token));
    }

    private static async Task<SocketReceiveFromResult> ReceiveAsync(Socket socket, byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
    }
}
