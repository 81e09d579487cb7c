using System.CommandLine;
using System.Net.Sockets;
using System.Text;
using NatEdge.Proxy.Management;
using NatEdge.Proxy.Routing;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// ctl's way to the running proxy: the control socket named by <c>--control-socket</c>, or by the
/// <c>fifo=</c> of the script <c>--config</c> names (default <c>config/natedge.cfg</c>) when a proxy
/// answers on it. Prints the answer as ctl prints its own results: the lines on stdout, an error
/// on stderr with exit code 1 (2 for a command the proxy found malformed).
/// </summary>
public static class ControlLink
{
    /// <summary>The socket to use, or null. An explicit path is used whether or not a proxy answers there.</summary>
    public static string? Find(ParseResult parse, CtlOptions options)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        if (parse.GetValue(options.ControlSocket) is { } given)
        {
            return given;
        }

        if (parse.GetValue(options.DbUrl) is not null)
        {
            return null;
        }

        var config = parse.GetValue(options.Config) ?? CtlSession.DefaultConfigPath;
        if (!File.Exists(config))
        {
            return null;
        }

        var fifo = ScriptLoader.BindText(File.ReadAllText(config), config, out _).Settings.Fifo;
        return !string.IsNullOrEmpty(fifo) && Shared.Sockets.UnixSocketFile.IsAnswering(fifo) ? fifo : null;
    }

    /// <summary>Sends one command line and prints its answer; returns ctl's exit code.</summary>
    public static async Task<int> RunAsync(string socketPath, string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socketPath);
        ArgumentNullException.ThrowIfNull(line);
        ControlAnswer? answer;
        try
        {
            answer = await SendAsync(socketPath, line, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"cannot reach the proxy on {socketPath}: {e.Message}").ConfigureAwait(false);
            return Program.ExitRuntimeFailure;
        }

        if (answer is null)
        {
            await Console.Error.WriteLineAsync($"the proxy on {socketPath} closed the connection without an answer").ConfigureAwait(false);
            return Program.ExitRuntimeFailure;
        }

        var output = answer.IsSuccess ? Console.Out : Console.Error;
        if (!answer.IsSuccess)
        {
            await output.WriteLineAsync(answer.Reason).ConfigureAwait(false);
        }

        foreach (var text in answer.Lines)
        {
            await output.WriteLineAsync(text).ConfigureAwait(false);
        }

        return answer.IsSuccess ? Program.ExitOk : answer.Code == ControlAnswer.BadRequest ? Program.ExitBadUsage : Program.ExitRuntimeFailure;
    }

    public static async Task<ControlAnswer?> SendAsync(string socketPath, string line, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await ControlAnswer.ReadAsync(reader, cancellationToken).ConfigureAwait(false);
    }
}
