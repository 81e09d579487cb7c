using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using NatEdge.MediaRelay.Forwarding;

namespace NatEdge.Benchmarks.Forwarding;

/// <summary>
/// The relay's per-packet path for a latched stream: compare the source with the learned
/// address, count, and send the 172-byte RTP packet out of the socket facing the other party
/// (a real sendto on loopback; what the receiving sockets cannot hold is dropped by the kernel).
/// `dotnet run -c Release --project tests/NatEdge.Benchmarks -- --filter '*PacketForward*'`
/// </summary>
[MemoryDiagnoser]
public class PacketForwardBenchmark : IDisposable
{
    private const int Batch = 256;

    private readonly byte[] _packet = new byte[172];
    private Socket _caller = null!;
    private Socket _callee = null!;
    private RelayEndpoint _callerFacing = null!;
    private RelayEndpoint _calleeFacing = null!;
    private SocketAddress _callerAddress = null!;
    private SocketAddress _calleeAddress = null!;

    [GlobalSetup]
    public void Setup()
    {
        _caller = Bound();
        _callee = Bound();
        _callerFacing = new RelayEndpoint(Bound(), isRtp: true, TimeProvider.System);
        _calleeFacing = new RelayEndpoint(Bound(), isRtp: true, TimeProvider.System);
        _callerFacing.Peer = _calleeFacing;
        _calleeFacing.Peer = _callerFacing;
        _packet[0] = 0x80;
        _callerAddress = _caller.LocalEndPoint!.Serialize();
        _calleeAddress = _callee.LocalEndPoint!.Serialize();
        _callerFacing.OnPacket(_packet, _callerAddress);
        _calleeFacing.OnPacket(_packet, _calleeAddress);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _callerFacing.Dispose();
        _calleeFacing.Dispose();
        _caller.Dispose();
        _callee.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Batch * 2, Description = "forward one packet each way")]
    public long Forward()
    {
        for (var i = 0; i < Batch; i++)
        {
            _callerFacing.OnPacket(_packet, _callerAddress);
            _calleeFacing.OnPacket(_packet, _calleeAddress);
        }

        return _callerFacing.Packets;
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
