using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Transport;

public class TcpSipConnectionTests
{
    private const string Options = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: a\r\nContent-Length: 0\r\n\r\n";
    private const string Message = "MESSAGE sip:127.0.0.1 SIP/2.0\r\nCall-ID: b\r\nContent-Length: 5\r\n\r\nhello";

    private static async Task<Socket> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server);
        return socket;
    }

    private static async Task<string> ReadAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    private static async Task<bool> ClosedByPeerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            return await socket.ReceiveAsync(new byte[16], SocketFlags.None, timeout.Token) == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    [Fact]
    public async Task Messages_in_one_write_and_split_over_writes_arrive_whole_and_in_order()
    {
        await using var fixture = new TransportFixture();
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);

        await client.SendAsync(Encoding.ASCII.GetBytes(Options + Message));
        var split = Encoding.ASCII.GetBytes(Message);
        await client.SendAsync(split.AsMemory(0, 10));
        await Task.Delay(50);
        await client.SendAsync(split.AsMemory(10));

        (await fixture.Handler.NextAsync()).Text.ShouldBe(Options);
        (await fixture.Handler.NextAsync()).Text.ShouldBe(Message);
        var third = await fixture.Handler.NextAsync();
        third.Text.ShouldBe(Message);
        third.Transport.ShouldBe(SipTransportKind.Tcp);
        third.Remote.ShouldBe((IPEndPoint)client.LocalEndPoint!);
    }

    [Fact]
    public async Task A_reply_goes_back_over_the_connection_the_request_came_on()
    {
        await using var fixture = new TransportFixture();
        fixture.Handler.Reply = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);

        await client.SendAsync(Encoding.ASCII.GetBytes(Options));

        (await ReadAsync(client, fixture.Handler.Reply.Length)).ShouldBe(fixture.Handler.Reply);
        fixture.Connections.Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_connection_table_finds_a_client_connection_by_its_remote_address()
    {
        await using var fixture = new TransportFixture();
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options));
        await fixture.Handler.NextAsync();

        // An in-dialog request for this client, sent by address alone, must reuse its connection.
        var request = "NOTIFY sip:client SIP/2.0\r\nContent-Length: 0\r\n\r\n";
        var outcome = await fixture.Sender.SendAsync(Encoding.ASCII.GetBytes(request), SipTransportKind.Tcp, ((IPEndPoint)client.LocalEndPoint!).Serialize(), CancellationToken.None);

        outcome.ShouldBe(SendOutcome.Sent);
        (await ReadAsync(client, request.Length)).ShouldBe(request);
        fixture.Connections.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_keepalive_ping_is_answered_with_a_pong()
    {
        await using var fixture = new TransportFixture();
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);

        await client.SendAsync("\r\n\r\n"u8.ToArray());

        (await ReadAsync(client, 2)).ShouldBe("\r\n");
        await client.SendAsync(Encoding.ASCII.GetBytes(Options));
        (await fixture.Handler.NextAsync()).Text.ShouldBe(Options);
    }

    [Fact]
    public async Task An_oversize_message_is_reported_with_its_header_and_the_connection_closed()
    {
        await using var fixture = new TransportFixture(new TransportLimits { MaxMessageBytes = 1024 });
        fixture.Handler.Reply = "SIP/2.0 513 Message Too Large\r\nContent-Length: 0\r\n\r\n";
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);
        var header = "INVITE sip:x@127.0.0.1 SIP/2.0\r\nContent-Length: 10485760\r\n\r\n";

        await client.SendAsync(Encoding.ASCII.GetBytes(header));

        var received = await fixture.Handler.NextAsync();
        received.Error.ShouldBe(StreamFramingError.MessageTooLarge);
        received.Text.ShouldBe(header);
        (await ReadAsync(client, fixture.Handler.Reply.Length)).ShouldBe(fixture.Handler.Reply);
        (await ClosedByPeerAsync(client)).ShouldBeTrue();
    }

    [Fact]
    public async Task Connections_beyond_the_cap_are_closed_at_once()
    {
        await using var fixture = new TransportFixture(new TransportLimits { MaxTcpConnections = 1 });
        using var first = await ConnectAsync(fixture.Tcp.LocalEndPoint);
        await first.SendAsync(Encoding.ASCII.GetBytes(Options));
        await fixture.Handler.NextAsync();

        using var second = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await second.ConnectAsync(fixture.Tcp.LocalEndPoint);
            (await ClosedByPeerAsync(second)).ShouldBeTrue();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Refused before the handshake finished: closed just the same.
        }

        fixture.Connections.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_after_the_idle_timeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var fixture = new TransportFixture(new TransportLimits { TcpIdleTimeout = TimeSpan.FromSeconds(120) }, time);
        using var client = await ConnectAsync(fixture.Tcp.LocalEndPoint);
        await client.SendAsync(Encoding.ASCII.GetBytes(Options));
        await fixture.Handler.NextAsync();

        time.Advance(TimeSpan.FromSeconds(60));
        fixture.Connections.Count.ShouldBe(1);
        time.Advance(TimeSpan.FromSeconds(91));

        (await ClosedByPeerAsync(client)).ShouldBeTrue();
    }

    [Fact]
    public async Task The_sender_opens_a_connection_when_none_is_open()
    {
        await using var fixture = new TransportFixture();
        using var peer = new TcpListener(IPAddress.Loopback, 0);
        peer.Start();
        var request = "OPTIONS sip:peer SIP/2.0\r\nContent-Length: 0\r\n\r\n";

        var sending = fixture.Sender.SendAsync(Encoding.ASCII.GetBytes(request), SipTransportKind.Tcp, ((IPEndPoint)peer.LocalEndpoint).Serialize(), CancellationToken.None);
        using var accepted = await peer.AcceptSocketAsync();

        (await sending).ShouldBe(SendOutcome.Sent);
        (await ReadAsync(accepted, request.Length)).ShouldBe(request);

        // The peer's answer comes back over the connection we opened.
        await accepted.SendAsync(Encoding.ASCII.GetBytes(Options));
        (await fixture.Handler.NextAsync()).Text.ShouldBe(Options);
    }
}
