using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.Proxy;

/// <summary>RFC 3261 section 18.2.1 and RFC 3581 on the receive path, seen from raw sockets.</summary>
public class ProxyViaTests
{
    [Fact]
    public async Task A_request_whose_source_differs_from_sent_by_gets_received_and_rport_and_the_reply_goes_to_the_source()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var source = (IPEndPoint)client.Client.LocalEndPoint!;

        // sent-by names a host and port that are not the socket's: as a client behind NAT would.
        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid:5099", rport: true);
        await client.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);

        var (reply, from) = await RawSipClient.ReceiveUdpAsync(client);
        RawSipClient.StatusCode(reply).ShouldBe(200);
        from.ShouldBe(proxy.EndPoint);
        var via = RawSipClient.TopVia(reply);
        via.ShouldContain(";received=127.0.0.1");
        via.ShouldContain($";rport={source.Port.ToString(CultureInfo.InvariantCulture)}");
    }

    [Fact]
    public async Task Without_rport_the_reply_goes_to_the_source_address_and_the_sent_by_port()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var listenerPort = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;

        // RFC 3261 18.2.2: to the received address, at the port in sent-by.
        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", $"phone.natedge.invalid:{listenerPort}", rport: false);
        await sender.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);

        var (reply, _) = await RawSipClient.ReceiveUdpAsync(listener);
        RawSipClient.StatusCode(reply).ShouldBe(200);
        var via = RawSipClient.TopVia(reply);
        via.ShouldContain(";received=127.0.0.1");
        via.ShouldNotContain("rport");
    }

    [Fact]
    public async Task A_request_from_its_sent_by_address_gets_no_received_parameter()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var source = (IPEndPoint)client.Client.LocalEndPoint!;

        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", $"127.0.0.1:{source.Port}", rport: false);
        await client.SendAsync(Encoding.ASCII.GetBytes(request), proxy.EndPoint);

        var (reply, _) = await RawSipClient.ReceiveUdpAsync(client);
        RawSipClient.TopVia(reply).ShouldNotContain("received=");
    }

    [Fact]
    public async Task An_options_over_tcp_gets_its_200_on_the_same_connection()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.EndPoint);
        var local = (IPEndPoint)socket.LocalEndPoint!;

        // sent-by port 5099 is not this connection's: the reply must still come over the connection.
        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "TCP", "phone.natedge.invalid:5099", rport: true);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));

        var reply = await RawSipClient.ReadMessageAsync(socket);
        reply.ShouldNotBeNull("the proxy closed the connection instead of answering");
        RawSipClient.StatusCode(reply).ShouldBe(200);
        RawSipClient.TopVia(reply).ShouldContain($";rport={local.Port.ToString(CultureInfo.InvariantCulture)}");

        // Keep-alive (RFC 5626 4.4.1) on the same connection: CRLFCRLF is answered with CRLF.
        await socket.SendAsync("\r\n\r\n"u8.ToArray());
        var pong = new byte[2];
        using var timeout = new CancellationTokenSource(RawSipClient.ReplyTimeout);
        (await socket.ReceiveAsync(pong, SocketFlags.None, timeout.Token)).ShouldBe(2);
        pong.ShouldBe("\r\n"u8.ToArray());
    }

    [Fact]
    public async Task Options_to_the_proxy_lists_what_it_allows_accepts_and_supports()
    {
        await using var proxy = await ProxyProcess.StartAsync();

        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true));

        // RFC 3261 section 11.2: these SHOULD be in a 200 to OPTIONS; 8.2.6.2: the To gets a tag.
        RawSipClient.StatusCode(reply).ShouldBe(200);
        reply.ShouldContain("\r\nAllow: ");
        reply.ShouldContain("OPTIONS");
        reply.ShouldContain("\r\nAccept: application/sdp\r\n");
        reply.ShouldContain("\r\nSupported:");
        reply.Split("\r\n").First(l => l.StartsWith("To:", StringComparison.Ordinal)).ShouldContain(";tag=");
    }

    [Fact]
    public async Task Max_forwards_zero_on_a_request_to_forward_gets_483()
    {
        await using var proxy = await ProxyProcess.StartAsync();

        var request = RawSipClient.Options("sip:bob@elsewhere.natedge.invalid", "UDP", "phone.natedge.invalid", rport: true, method: "MESSAGE", maxForwards: 0);
        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, request);

        RawSipClient.StatusCode(reply).ShouldBe(483);
    }

    [Fact]
    public async Task An_unknown_method_gets_501()
    {
        await using var proxy = await ProxyProcess.StartAsync();

        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true, method: "NEWMETHOD");
        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, request);

        RawSipClient.StatusCode(reply).ShouldBe(501);
    }

    [Fact]
    public async Task Over_ipv6_options_get_200_on_udp_and_tcp_with_the_source_in_received()
    {
        var port = FreePorts.UdpAndTcp(IPAddress.IPv6Loopback);
        var p = port.ToString(CultureInfo.InvariantCulture);
        await using var proxy = await ProxyProcess.StartWithArgumentsAsync(["run", "--listen", $"udp:[::1]:{p}", "--listen", $"tcp:[::1]:{p}"], port);
        var server = new IPEndPoint(IPAddress.IPv6Loopback, port);

        using var udp = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        await udp.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options($"sip:[::1]:{p}", "UDP", "phone.natedge.invalid", rport: true)), server);
        var (reply, from) = await RawSipClient.ReceiveUdpAsync(udp);
        RawSipClient.StatusCode(reply).ShouldBe(200);
        from.ShouldBe(server);
        RawSipClient.TopVia(reply).ShouldContain(";received=::1");

        using var tcp = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        await tcp.ConnectAsync(server);
        await tcp.SendAsync(Encoding.ASCII.GetBytes(RawSipClient.Options($"sip:[0:0:0:0:0:0:0:1]:{p}", "TCP", "phone.natedge.invalid", rport: true)));
        var tcpReply = await RawSipClient.ReadMessageAsync(tcp);
        RawSipClient.StatusCode(tcpReply!).ShouldBe(200, "any spelling of the proxy's IPv6 address is the proxy itself");
    }
}
