using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using NatEdge.Shared.Sockets;

namespace NatEdge.Proxy.Management;

/// <summary>
/// The running proxy's control socket (the guide's <c>fifo</c>): a Unix stream socket, mode 0600,
/// on which each line is one command and each command gets one <see cref="ControlAnswer"/>.
/// Commands on a connection run one after another; a line longer than
/// <see cref="MaxLineBytes"/> is answered 400 and the connection closed.
/// </summary>
public sealed class ControlSocketServer : IAsyncDisposable
{
    public const int MaxLineBytes = 4096;

    private readonly Socket _listener;
    private readonly string _path;
    private readonly Func<string, CancellationToken, Task<ControlAnswer>> _execute;
    private readonly ILogger _logger;
    private readonly uint _owner;
    private readonly CancellationTokenSource _stop = new();
    private Task _accepting = Task.CompletedTask;

    private ControlSocketServer(Socket listener, string path, Func<string, CancellationToken, Task<ControlAnswer>> execute, ILogger logger)
    {
        _listener = listener;
        _path = path;
        _execute = execute;
        _logger = logger;
        _owner = PeerCredentials.CurrentUser();
    }

    public string Path => _path;

    /// <summary>
    /// Binds <paramref name="path"/> and starts answering. Returns null, with the reason logged,
    /// when another live process answers on that path or the path cannot be bound: the proxy then
    /// runs without a control socket rather than not at all.
    /// </summary>
    public static ControlSocketServer? Start(string path, Func<string, CancellationToken, Task<ControlAnswer>> execute, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentNullException.ThrowIfNull(logger);
        if (File.Exists(path) && UnixSocketFile.IsAnswering(path))
        {
            ManagementLog.SocketInUse(logger, path);
            return null;
        }

        Socket? listener = null;
        try
        {
            listener = UnixSocketFile.Listen(path, UnixFileMode.UserRead | UnixFileMode.UserWrite, backlog: 16);
            var server = new ControlSocketServer(listener, path, execute, logger);
            server._accepting = server.AcceptLoopAsync();
            ManagementLog.Listening(logger, path);
            return server;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener?.Dispose();
            ManagementLog.CannotBind(logger, path, e.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        File.Delete(_path);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            var user = PeerCredentials.UserOf(client);
            if (user != _owner && user != 0)
            {
                ManagementLog.RefusedUser(_logger, user, _path);
                await WriteAsync(stream, ControlAnswer.Error(ControlAnswer.Forbidden, $"user {user} may not control this proxy")).ConfigureAwait(false);
                return;
            }

            await ServeLinesAsync(stream).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client went away or the proxy is stopping.
        }
    }

    private async Task ServeLinesAsync(NetworkStream stream)
    {
        var reader = PipeReader.Create(stream);
        while (true)
        {
            var result = await reader.ReadAsync(_stop.Token).ConfigureAwait(false);
            var buffer = result.Buffer;
            while (TryTakeLine(ref buffer, out var line))
            {
                var answer = await RunAsync(line).ConfigureAwait(false);
                await WriteAsync(stream, answer).ConfigureAwait(false);
            }

            if (buffer.Length > MaxLineBytes)
            {
                await WriteAsync(stream, ControlAnswer.Error(ControlAnswer.BadRequest, $"command line longer than {MaxLineBytes} bytes")).ConfigureAwait(false);
                return;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async Task<ControlAnswer> RunAsync(string line)
    {
        try
        {
            return await _execute(line, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failing command must not take the connection, let alone the proxy, with it.
            ManagementLog.CommandFailed(_logger, line, e);
            return ControlAnswer.Error(ControlAnswer.Failed, e.Message);
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        line = string.Empty;
        var end = buffer.PositionOf((byte)'\n');
        if (end is null || buffer.Slice(0, end.Value).Length > MaxLineBytes)
        {
            return false;
        }

        line = Encoding.UTF8.GetString(buffer.Slice(0, end.Value)).TrimEnd('\r');
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

    private static async Task WriteAsync(NetworkStream stream, ControlAnswer answer) =>
        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer.Render())).ConfigureAwait(false);
}
