using System.Net.Sockets;
using System.Text;

namespace NatEdge.Proxy.Modules.MediaProxy;

/// <summary>
/// One persistent stream connection to a relay's control socket. The module protocol has no request
/// ids, so a connection carries one request at a time and its answer is the next line that arrives
/// (spec §1.1). Whoever holds the connection owns it; the pool hands it out to one request at a time.
/// </summary>
internal sealed class RelayConnection : IDisposable
{
    /// <summary>The module reads the reply into an 8192-byte buffer (spec §1.1); a longer line is a violation.</summary>
    public const int MaxReplyBytes = 8192;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[MaxReplyBytes];

    private RelayConnection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>True once a request and its answer have gone over it: a failure then may be a stale connection.</summary>
    public bool HasBeenUsed { get; private set; }

    public static async ValueTask<RelayConnection> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
            return new RelayConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends a whole request and reads its one-line answer, without the CRLF.
    /// </summary>
    /// <exception cref="SocketException">The relay closed or reset the connection.</exception>
    /// <exception cref="RelayProtocolException">The answer is not one line of at most 8192 bytes.</exception>
    public async ValueTask<string> ExchangeAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        while (!request.IsEmpty)
        {
            var sent = await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            request = request[sent..];
        }

        var length = 0;
        while (true)
        {
            var received = await _socket.ReceiveAsync(_buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }

            var searchFrom = Math.Max(0, length - 1);
            length += received;
            var end = _buffer.AsSpan(searchFrom, length - searchFrom).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                end += searchFrom;
                if (end + 2 != length)
                {
                    // A second line can only be a late or unsolicited answer: the stream is out of step.
                    throw new RelayProtocolException("the relay sent more than one line for one request");
                }

                HasBeenUsed = true;
                return Encoding.UTF8.GetString(_buffer, 0, end);
            }

            if (length == _buffer.Length)
            {
                throw new RelayProtocolException($"the relay's answer exceeds {MaxReplyBytes} bytes without a line end");
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>The relay broke the module protocol's framing; the connection it came on is closed.</summary>
public sealed class RelayProtocolException(string message) : Exception(message);
