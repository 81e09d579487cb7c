using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Transport;

public class UdpSipListenerTests
{
    private const string Options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task A_datagram_reaches_the_handler_with_its_source_and_the_reply_goes_back_to_it(string address)
    {
        await using var fixture = new TransportFixture(address: IPAddress.Parse(address));
        fixture.Handler.Reply = "SIP/2.0 200 OK\r\n\r\n";
        using var client = new UdpClient(new IPEndPoint(IPAddress.Parse(address), 0));
        var clientEndPoint = (IPEndPoint)client.Client.LocalEndPoint!;

        await client.SendAsync(Encoding.ASCII.GetBytes(Options), fixture.Udp.LocalEndPoint);

        var received = await fixture.Handler.NextAsync();
        received.Text.ShouldBe(Options);
        received.Remote.ShouldBe(clientEndPoint);
        received.Transport.ShouldBe(SipTransportKind.Udp);
        received.Connection.ShouldBeNull();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var reply = await client.ReceiveAsync(timeout.Token);
        Encoding.ASCII.GetString(reply.Buffer).ShouldBe("SIP/2.0 200 OK\r\n\r\n");
        reply.RemoteEndPoint.ShouldBe(fixture.Udp.LocalEndPoint);
    }

    [Fact]
    public async Task The_receive_buffer_is_a_full_mebibyte_past_rmem_max_when_the_proxy_may_force_it()
    {
        await using var fixture = new TransportFixture();
        var rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var root = NatEdge.Proxy.Management.PeerCredentials.CurrentUser() == 0;

        // socket(7): the kernel doubles the size asked for; SO_RCVBUF is capped at rmem_max, SO_RCVBUFFORCE (CAP_NET_ADMIN) is not.
        var expected = 2 * (root ? 1 << 20 : Math.Min(1 << 20, rmemMax));
        fixture.Udp.ReceiveBufferSize.ShouldBe(expected, $"root: {root}, rmem_max: {rmemMax}");
    }

    [Fact]
    public async Task A_failing_handler_does_not_stop_the_receive_loops()
    {
        await using var fixture = new TransportFixture();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        fixture.Handler.ThrowOnNext = true;

        await client.SendAsync(Encoding.ASCII.GetBytes("garbage"), fixture.Udp.LocalEndPoint);
        await Task.Delay(100);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options), fixture.Udp.LocalEndPoint);

        (await fixture.Handler.NextAsync()).Text.ShouldBe(Options);
    }

    [Fact]
    public async Task Datagrams_from_many_sources_keep_their_own_source_address()
    {
        await using var fixture = new TransportFixture();
        var clients = Enumerable.Range(0, 5).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        try
        {
            foreach (var client in clients)
            {
                var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
                await client.SendAsync(Encoding.ASCII.GetBytes($"from {port}"), fixture.Udp.LocalEndPoint);
            }

            for (var i = 0; i < clients.Count; i++)
            {
                var received = await fixture.Handler.NextAsync();
                received.Text.ShouldBe($"from {received.Remote.Port}");
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public void Binding_an_address_in_use_fails_with_a_socket_error()
    {
        using var holder = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var taken = (IPEndPoint)holder.Client.LocalEndPoint!;

        Should.Throw<SocketException>(() => UdpSipListener.Bind(taken, 1, new RecordingHandler(), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
            .SocketErrorCode.ShouldBe(SocketError.AddressAlreadyInUse);
    }
}
