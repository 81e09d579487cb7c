using NatEdge.Shared.Sockets;
using System.IO.Pipelines;
using System.Net.Sockets;
using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Control;

/// <summary>
/// Serves the module protocol (spec §1.1) on a Unix domain stream socket: persistent connections, one read loop
/// per connection over System.IO.Pipelines, replies written in request order. A request that does not decode is
/// answered <c>error</c>; the connection stays open.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private readonly string _path;
    private readonly UnixFileMode _mode;
    private readonly ControlDispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private Socket? _listener;
    private Task? _acceptLoop;

    public ControlServer(string path, UnixFileMode mode, ControlDispatcher dispatcher)
    {
        _path = path;
        _mode = mode;
        _dispatcher = dispatcher;
    }

    /// <summary>Binds the socket file; throws <see cref="ControlSocketException"/> when it cannot.</summary>
    public void Start()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_path));
        try
        {
            if (directory is not null) Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ControlSocketException($"cannot create the directory of control socket {_path}: {e.Message}", e);
        }
        RefuseSocketInUse();

        Socket listener;
        try
        {
            listener = UnixSocketFile.Listen(_path, _mode, backlog: 128);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            throw new ControlSocketException($"cannot listen on control socket {_path}: {e.Message}", e);
        }
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener);
    }

    private void RefuseSocketInUse()
    {
        if (File.Exists(_path) && UnixSocketFile.IsAnswering(_path))
        {
            throw new ControlSocketException($"control socket {_path} is in use by another process (another relay running?)");
        }

        // Nobody listens: a socket file left by a relay that did not stop cleanly is replaced by the bind.
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                RelayLog.Warn($"control socket accept failed: {e.SocketErrorCode}");
                continue;
            }
            var connection = ServeAsync(client);
            lock (_gate)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        var input = PipeReader.Create(stream);
        var output = PipeWriter.Create(stream);
        var decoder = new ControlRequestReader();
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_stopping.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var answered = false;
                while (true)
                {
                    var status = decoder.TryRead(ref buffer, out var request, out var error);
                    if (status == ControlReadResult.Incomplete) break;
                    var reply = status == ControlReadResult.Request ? _dispatcher.Handle(request!) : _dispatcher.Reject(error);
                    ControlReplyWriter.Write(reply, output);
                    answered = true;
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (answered) await output.FlushAsync(_stopping.Token).ConfigureAwait(false);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The client went away, or the relay is stopping: nothing to answer.
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        Task[] connections;
        lock (_gate) connections = [.. _connections];
        await Task.WhenAll(connections).ConfigureAwait(false);
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // Best effort: a stale file is removed at the next start.
        }
        _stopping.Dispose();
    }
}

/// <summary>The control socket cannot be served (path in use, no permission): a start-up failure.</summary>
public sealed class ControlSocketException : Exception
{
    public ControlSocketException(string message, Exception inner) : base(message, inner)
    {
    }

    public ControlSocketException()
    {
    }

    public ControlSocketException(string message) : base(message)
    {
    }
}
