using System.Buffers;
using System.Net.Sockets;
using System.Text;
using NatEdge.Shared.Control;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>A module-side connection: one persistent Unix socket, one request in flight, one reply line each.</summary>
internal sealed class ControlClient : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private ControlClient(Socket socket) => _socket = socket;

    public static async Task<ControlClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
        return new ControlClient(socket);
    }

    /// <summary>Sends the request exactly as a stock module writes it (empty optional headers included).</summary>
    public Task<string> SendAsync(ControlRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>();
        ControlRequestWriter.Write(request, buffer, writeEmptyHeaders: true).ShouldBe(ControlProtocolError.None);
        return SendRawAsync(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    public async Task<string> SendRawAsync(string text)
    {
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text));
        return await ReadLineAsync();
    }

    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var chunk = new byte[65536];
        while (true)
        {
            var end = IndexOfCrLf();
            if (end >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, end).ToArray());
                _pending.RemoveRange(0, end + 2);
                return line;
            }
            var read = await _socket.ReceiveAsync(chunk, SocketFlags.None, timeout.Token);
            if (read == 0) throw new IOException("the relay closed the control connection");
            _pending.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    private int IndexOfCrLf()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == '\r' && _pending[i + 1] == '\n') return i;
        }
        return -1;
    }

    public async Task<ControlReply> UpdateAsync(SdpMessageType type, string callId, long cseq, string fromTag, string? toTag, string? media)
    {
        List<MediaStreamDescription>? streams = null;
        if (media is not null) MediaHeaderCodec.TryParse(media, out streams).ShouldBeTrue();
        var line = await SendAsync(new ControlRequest
        {
            Command = ControlCommand.Update,
            Type = type,
            CallId = callId,
            CSeq = cseq,
            FromUri = "alice@natedge.test",
            ToUri = "bob@natedge.test",
            FromTag = fromTag,
            ToTag = toTag,
            UserAgent = type == SdpMessageType.Request ? "Caller Test" : "Callee Test",
            SignalingIp = "127.0.0.1",
            Media = streams,
        });
        return ControlReplyReader.Parse(line, withSequence: false);
    }

    public Task<string> RemoveAsync(string callId, string fromTag, string? toTag) =>
        SendAsync(new ControlRequest { Command = ControlCommand.Remove, CallId = callId, FromTag = fromTag, ToTag = toTag });

    public void Dispose() => _socket.Dispose();
}
