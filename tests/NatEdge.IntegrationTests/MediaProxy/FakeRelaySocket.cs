using System.Net.Sockets;
using System.Text;

namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// A Unix control socket that reads module requests (up to the blank line) and answers each with the
/// line <see cref="Answer"/> picks for the connection's number (0 for the first), or never when it
/// picks null: a relay that hangs. Counts connections opened and seen closed by the client.
/// </summary>
internal sealed class FakeRelaySocket : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private int _accepted;
    private int _closedByClient;

    public FakeRelaySocket(string path, Func<int, string?> answer)
    {
        Path = path;
        Answer = answer;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _acceptLoop = AcceptAsync();
    }

    public string Path { get; }

    public Func<int, string?> Answer { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public int ClosedByClient => Volatile.Read(ref _closedByClient);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        File.Delete(Path);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var connection = await _listener.AcceptAsync(_stop.Token);
            var number = Interlocked.Increment(ref _accepted) - 1;
            _ = ServeAsync(connection, number);
        }
    }

    private async Task ServeAsync(Socket connection, int number)
    {
        using (connection)
        {
            var buffer = new byte[8192];
            var pending = new StringBuilder();
            try
            {
                while (true)
                {
                    var read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        Interlocked.Increment(ref _closedByClient);
                        return;
                    }

                    pending.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    var text = pending.ToString();
                    int end;
                    while ((end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                    {
                        text = text[(end + 4)..];
                        if (Answer(number) is { } line)
                        {
                            await connection.SendAsync(Encoding.UTF8.GetBytes(line + "\r\n"), SocketFlags.None, _stop.Token);
                        }
                    }

                    pending.Clear().Append(text);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _closedByClient);
            }
        }
    }
}
