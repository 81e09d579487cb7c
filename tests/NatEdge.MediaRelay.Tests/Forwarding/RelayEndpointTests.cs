using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using NatEdge.MediaRelay.Forwarding;

namespace NatEdge.MediaRelay.Tests.Forwarding;

/// <summary>Latching and forwarding of one sub-stream over real loopback sockets, driving the packet path directly.</summary>
public sealed class RelayEndpointTests : IDisposable
{
    private readonly RelayEndpoint _callerFacing;
    private readonly RelayEndpoint _calleeFacing;
    private readonly Socket _caller = Bound();
    private readonly Socket _callee = Bound();
    private readonly Socket _intruder = Bound();

    public RelayEndpointTests()
    {
        var time = new FakeTimeProvider();
        _callerFacing = new RelayEndpoint(Bound(), isRtp: true, time);
        _calleeFacing = new RelayEndpoint(Bound(), isRtp: true, time);
        _callerFacing.Peer = _calleeFacing;
        _calleeFacing.Peer = _callerFacing;
        _callee.ReceiveTimeout = 2000;
        _caller.ReceiveTimeout = 2000;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static SocketAddress AddressOf(Socket socket) => socket.LocalEndPoint!.Serialize();

    private static byte[] Rtp(byte payloadType, ushort sequence)
    {
        var packet = new byte[172];
        packet[0] = 0x80;
        packet[1] = payloadType;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        return packet;
    }

    [Fact]
    public void First_packet_latches_and_later_packets_from_others_are_dropped_and_counted()
    {
        _calleeFacing.SetAdvertised((IPEndPoint)_callee.LocalEndPoint!);
        _callerFacing.OnPacket(Rtp(0, 1), AddressOf(_caller));
        _callerFacing.LearnedEndPoint.ShouldBe(_caller.LocalEndPoint);
        _callerFacing.PayloadType.ShouldBe(0);

        var received = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        _callee.ReceiveFrom(received, ref from).ShouldBe(172);
        ((IPEndPoint)from).Port.ShouldBe(_calleeFacing.LocalPort, "media leaves through the socket facing the receiver");

        _callerFacing.OnPacket(Rtp(0, 2), AddressOf(_intruder));
        _callerFacing.Dropped.ShouldBe(1);
        _callerFacing.Packets.ShouldBe(1);
        _callerFacing.Bytes.ShouldBe(172);
        _callee.Available.ShouldBe(0);
    }

    [Fact]
    public void After_a_reset_the_old_source_is_ignored_and_the_next_one_learned()
    {
        _callerFacing.OnPacket(Rtp(8, 1), AddressOf(_caller));
        _callerFacing.Reset();
        _callerFacing.OnPacket(Rtp(8, 2), AddressOf(_caller));
        _callerFacing.Dropped.ShouldBe(1, "the obsolete address is ignored");
        _callerFacing.OnPacket(Rtp(8, 3), AddressOf(_intruder));
        _callerFacing.LearnedEndPoint.ShouldBe(_intruder.LocalEndPoint);
    }

    [Fact]
    public void Asymmetric_parties_are_followed_when_their_source_changes()
    {
        _callerFacing.RelatchOnSourceChange = true;
        _callerFacing.OnPacket(Rtp(0, 1), AddressOf(_caller));
        _callerFacing.OnPacket(Rtp(0, 2), AddressOf(_intruder));
        _callerFacing.LearnedEndPoint.ShouldBe(_intruder.LocalEndPoint);
        _callerFacing.Dropped.ShouldBe(0);
    }

    [Fact]
    public void Without_a_learned_or_routable_address_there_is_nowhere_to_send()
    {
        _callerFacing.OnPacket(Rtp(0, 1), AddressOf(_caller));
        _callerFacing.Unroutable.ShouldBe(1);
    }

    [Fact]
    public void Forwarding_a_packet_allocates_nothing_once_both_parties_have_latched()
    {
        var packet = Rtp(0, 1);
        var caller = AddressOf(_caller);
        var callee = AddressOf(_callee);
        _callerFacing.OnPacket(packet, caller);
        _calleeFacing.OnPacket(packet, callee);
        for (var i = 0; i < 100; i++)
        {
            _callerFacing.OnPacket(packet, caller);
            _calleeFacing.OnPacket(packet, callee);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _callerFacing.OnPacket(packet, caller);
            _calleeFacing.OnPacket(packet, callee);
        }
        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        _callerFacing.Packets.ShouldBe(1101);
    }

    [Fact]
    public void Routable_policy_follows_the_spec()
    {
        var policy = new RoutablePolicy([]);
        policy.IsRoutable(IPAddress.Parse("127.0.0.1")).ShouldBeTrue();
        policy.IsRoutable(IPAddress.Parse("198.51.100.7")).ShouldBeTrue();
        policy.IsRoutable(IPAddress.Parse("192.168.1.20")).ShouldBeFalse();
        policy.IsRoutable(IPAddress.Parse("10.1.2.3")).ShouldBeFalse();
        policy.IsRoutable(IPAddress.Parse("172.31.0.1")).ShouldBeFalse();
        policy.IsRoutable(IPAddress.Parse("100.64.0.1")).ShouldBeFalse();
        policy.IsRoutable(IPAddress.Parse("0.0.0.0")).ShouldBeFalse();
        NatEdge.MediaRelay.Configuration.IpRange.TryParse("10.0.0.0/8", out var range).ShouldBeTrue();
        new RoutablePolicy([range]).IsRoutable(IPAddress.Parse("10.1.2.3")).ShouldBeTrue();
    }

    public void Dispose()
    {
        _callerFacing.Dispose();
        _calleeFacing.Dispose();
        _caller.Dispose();
        _callee.Dispose();
        _intruder.Dispose();
    }
}
