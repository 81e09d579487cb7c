using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>
/// A fake phone on 127.0.0.1: an RTP socket on an even port and an RTCP socket on the odd one after it (as its
/// SDP would say), sending RTP with a 12-byte header and a 160-byte payload at 50 packets per second, and
/// recording what arrives in order.
/// </summary>
internal sealed class MediaParty : IDisposable
{
    public const int PayloadBytes = 160;
    public const int RtpBytes = 12 + PayloadBytes;
    public const int RtcpBytes = 28;

    private readonly Socket _rtp;
    private readonly Socket _rtcp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _rtpReceiver;
    private readonly Task _rtcpReceiver;

    public MediaParty(uint ssrc)
    {
        Ssrc = ssrc;
        (_rtp, _rtcp) = BindPair();
        _rtpReceiver = ReceiveAsync(_rtp, Rtp);
        _rtcpReceiver = ReceiveAsync(_rtcp, Rtcp);
    }

    public uint Ssrc { get; }
    public int Port => ((IPEndPoint)_rtp.LocalEndPoint!).Port;
    public ConcurrentQueue<Received> Rtp { get; } = new();
    public ConcurrentQueue<Received> Rtcp { get; } = new();

    public readonly record struct Received(uint Ssrc, int Sequence, int Length, int FromPort);

    /// <summary>An even port and the odd one after it, both free, from a region no relay range uses.</summary>
    private static (Socket Rtp, Socket Rtcp) BindPair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = 29000 + (2 * Random.Shared.Next(0, 500));
            var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return (rtp, rtcp);
            }
            catch (SocketException)
            {
                rtp.Dispose();
                rtcp.Dispose();
            }
        }
        throw new InvalidOperationException("no free port pair in 29000-29999");
    }

    public string Media(string direction = "sendrecv") => $"audio:127.0.0.1:{Port}:{direction}:ice=no";

    /// <summary>Sends RTP packets numbered first.. at 50 packets per second (20 ms apart).</summary>
    public async Task SendRtpAsync(int relayPort, int count, int first = 0)
    {
        var target = new IPEndPoint(IPAddress.Loopback, relayPort);
        var packet = new byte[RtpBytes];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var sequence = first + i;
            packet[0] = 0x80;                      // RTP version 2
            packet[1] = 0;                         // PCMU
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sequence);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(sequence * PayloadBytes));
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), Ssrc);
            await _rtp.SendToAsync(packet, target);
            var due = TimeSpan.FromMilliseconds(20 * (i + 1)) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
        }
    }

    /// <summary>Sends RTCP sender reports (28 bytes: header, SSRC, and the sequence in the NTP field).</summary>
    public async Task SendRtcpAsync(int relayPort, int count, int first = 0)
    {
        var target = new IPEndPoint(IPAddress.Loopback, relayPort);
        for (var i = 0; i < count; i++)
        {
            var packet = new byte[RtcpBytes];
            packet[0] = 0x80;
            packet[1] = 200;                       // SR
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 6);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), Ssrc);
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), (uint)(first + i));
            await _rtcp.SendToAsync(packet, target);
            await Task.Delay(20);
        }
    }

    /// <summary>Sends from another socket (an attacker spraying the relay's port).</summary>
    public static async Task SprayAsync(int relayPort, int count, uint ssrc)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var packet = new byte[RtpBytes];
        packet[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)i);
            await socket.SendToAsync(packet, new IPEndPoint(IPAddress.Loopback, relayPort));
            await Task.Delay(2);
        }
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> packets are in <paramref name="queue"/>.</summary>
    public static async Task WaitForAsync(ConcurrentQueue<Received> queue, int count, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(10));
        while (queue.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
    }

    private async Task ReceiveAsync(Socket socket, ConcurrentQueue<Received> into)
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var from = ((IPEndPoint)result.RemoteEndPoint).Port;
            if (result.ReceivedBytes >= 12 && buffer[1] == 200)
                into.Enqueue(new Received(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)), (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)), result.ReceivedBytes, from));
            else if (result.ReceivedBytes >= 12)
                into.Enqueue(new Received(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)), BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(2)), result.ReceivedBytes, from));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _rtp.Dispose();
        _rtcp.Dispose();
        Task.WaitAll([_rtpReceiver, _rtcpReceiver], TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
