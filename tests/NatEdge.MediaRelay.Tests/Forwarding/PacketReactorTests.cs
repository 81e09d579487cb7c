using System.Net;
using System.Net.Sockets;
using NatEdge.MediaRelay.Forwarding;

namespace NatEdge.MediaRelay.Tests.Forwarding;

/// <summary>
/// The epoll receive threads with real loopback sockets: what a party sends to its relay socket
/// leaves through the peer socket to the other party, for as many endpoints as are registered,
/// and an endpoint that is disposed stops receiving without disturbing the rest.
/// </summary>
public sealed class PacketReactorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Packets_sent_to_either_relay_socket_reach_the_other_party()
    {
        using var reactor = new PacketReactor(threads: 2);
        using var stream = Stream.Open(reactor);

        for (var i = 0; i < 20; i++)
        {
            await stream.Caller.SendToAsync(Packet(i), stream.CallerFacing.Socket.LocalEndPoint!);
            (await ReceiveAsync(stream.Callee)).ShouldBe(Packet(i));
            await stream.Callee.SendToAsync(Packet(100 + i), stream.CalleeFacing.Socket.LocalEndPoint!);
            (await ReceiveAsync(stream.Caller)).ShouldBe(Packet(100 + i));
        }

        stream.CallerFacing.Packets.ShouldBe(20);
        stream.CalleeFacing.Packets.ShouldBe(20);
        stream.CallerFacing.Dropped.ShouldBe(0, "every packet came from the latched source");
    }

    [Fact]
    public async Task Two_hundred_streams_on_two_threads_each_carry_their_own_packets()
    {
        using var reactor = new PacketReactor(threads: 2);
        var streams = Enumerable.Range(0, 200).Select(_ => Stream.Open(reactor)).ToList();
        try
        {
            for (var i = 0; i < streams.Count; i++)
            {
                await streams[i].Caller.SendToAsync(Packet(i), streams[i].CallerFacing.Socket.LocalEndPoint!);
            }

            for (var i = 0; i < streams.Count; i++)
            {
                (await ReceiveAsync(streams[i].Callee)).ShouldBe(Packet(i));
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_disposed_endpoint_stops_receiving_and_the_others_go_on()
    {
        using var reactor = new PacketReactor(threads: 1);
        using var ended = Stream.Open(reactor);
        using var going = Stream.Open(reactor);
        var endedAddress = ended.CallerFacing.Socket.LocalEndPoint!;

        ended.CallerFacing.Dispose();
        ended.CalleeFacing.Dispose();
        await ended.Caller.SendToAsync(Packet(1), endedAddress);
        await going.Caller.SendToAsync(Packet(2), going.CallerFacing.Socket.LocalEndPoint!);

        (await ReceiveAsync(going.Callee)).ShouldBe(Packet(2));
        ended.CallerFacing.Packets.ShouldBe(0);
        ended.Callee.Available.ShouldBe(0);
    }

    [Fact]
    public void Rtp_endpoints_are_shared_evenly_between_threads_when_streams_open_rtp_and_rtcp_in_turn()
    {
        // A relayed stream registers its sockets in this order: caller RTP, caller RTCP, callee RTP, callee RTCP.
        using var reactor = new PacketReactor(threads: 2);
        var endpoints = new List<RelayEndpoint>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                foreach (var rtp in (bool[])[true, false, true, false]) endpoints.Add(Registered(reactor, rtp));
            }

            reactor.EndpointsPerThread(rtp: true).ShouldBe([50, 50]);
            reactor.EndpointsPerThread(rtp: false).ShouldBe([50, 50]);
        }
        finally
        {
            endpoints.ForEach(e => e.Dispose());
        }
    }

    [Fact]
    public void New_endpoints_go_to_the_thread_that_ended_streams_left_lighter()
    {
        using var reactor = new PacketReactor(threads: 2);
        var first = Enumerable.Range(0, 20).Select(_ => Registered(reactor, rtp: true)).ToList();
        var later = new List<RelayEndpoint>();
        try
        {
            reactor.EndpointsPerThread(rtp: true).ShouldBe([10, 10]);
            var onFirstThread = first.Where((_, i) => i % 2 == 0).ToList();
            onFirstThread.ForEach(e => e.Dispose());
            reactor.EndpointsPerThread(rtp: true).ShouldBe([0, 10]);

            later.AddRange(Enumerable.Range(0, 10).Select(_ => Registered(reactor, rtp: true)));

            reactor.EndpointsPerThread(rtp: true).ShouldBe([10, 10]);
        }
        finally
        {
            first.ForEach(e => e.Dispose());
            later.ForEach(e => e.Dispose());
        }
    }

    private static RelayEndpoint Registered(PacketReactor reactor, bool rtp)
    {
        var endpoint = new RelayEndpoint(Bound(), rtp, TimeProvider.System);
        endpoint.Peer = endpoint;
        reactor.Add(endpoint);
        return endpoint;
    }

    private static byte[] Packet(int sequence)
    {
        var packet = new byte[172];
        packet[0] = 0x80;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        return packet;
    }

    private static async Task<byte[]> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(Patience);
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return buffer[..received];
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Two parties and the relay's two sockets between them, each party's SDP pointing at itself.</summary>
    private sealed class Stream : IDisposable
    {
        private Stream(PacketReactor reactor)
        {
            CallerFacing = new RelayEndpoint(Bound(), isRtp: true, TimeProvider.System);
            CalleeFacing = new RelayEndpoint(Bound(), isRtp: true, TimeProvider.System);
            CallerFacing.Peer = CalleeFacing;
            CalleeFacing.Peer = CallerFacing;
            CallerFacing.SetAdvertised((IPEndPoint)Caller.LocalEndPoint!);
            CalleeFacing.SetAdvertised((IPEndPoint)Callee.LocalEndPoint!);
            reactor.Add(CallerFacing);
            reactor.Add(CalleeFacing);
        }

        public Socket Caller { get; } = Bound();
        public Socket Callee { get; } = Bound();
        public RelayEndpoint CallerFacing { get; }
        public RelayEndpoint CalleeFacing { get; }

        public static Stream Open(PacketReactor reactor) => new(reactor);

        public void Dispose()
        {
            CallerFacing.Dispose();
            CalleeFacing.Dispose();
            Caller.Dispose();
            Callee.Dispose();
        }
    }
}
