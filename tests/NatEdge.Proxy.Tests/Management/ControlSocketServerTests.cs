using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Management;

namespace NatEdge.Proxy.Tests.Management;

public sealed class ControlSocketServerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("natedge-ctl-test-").FullName;
    private ControlSocketServer? _server;

    private string SocketPath => Path.Combine(_directory, "ctl.sock");

    public Task InitializeAsync()
    {
        _server = ControlSocketServer.Start(SocketPath, Execute, NullLogger.Instance);
        _server.ShouldNotBeNull();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        File.Exists(SocketPath).ShouldBeFalse("the proxy removes its socket when it stops");
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Each_line_gets_one_answer_in_order_on_one_connection()
    {
        var text = await ExchangeAsync("echo one\r\necho two\n", answers: 2);

        text.ShouldBe("200 OK\none\n\n200 OK\ntwo\n\n");
    }

    [Fact]
    public async Task A_command_that_throws_is_answered_500_and_the_next_one_is_served()
    {
        var text = await ExchangeAsync("fail\necho after\n", answers: 2);

        text.ShouldBe("500 broken on purpose\n\n200 OK\nafter\n\n");
    }

    [Fact]
    public async Task A_line_over_the_limit_is_answered_400_and_the_connection_closed()
    {
        var text = await ExchangeAsync(new string('x', ControlSocketServer.MaxLineBytes + 10), answers: 1);

        text.ShouldStartWith("400 command line longer than 4096 bytes");
    }

    [Fact]
    public void A_second_server_on_a_path_a_live_one_answers_on_does_not_start()
    {
        ControlSocketServer.Start(SocketPath, Execute, NullLogger.Instance).ShouldBeNull();
        NatEdge.Shared.Sockets.UnixSocketFile.IsAnswering(SocketPath).ShouldBeTrue("the first server keeps its socket");
    }

    [Fact]
    public async Task A_leftover_file_nothing_answers_on_is_replaced()
    {
        // What a killed proxy leaves behind: a path no process accepts connections on.
        var stale = Path.Combine(_directory, "stale.sock");
        await File.WriteAllTextAsync(stale, "");
        await using var server = ControlSocketServer.Start(stale, Execute, NullLogger.Instance);

        server.ShouldNotBeNull();
        NatEdge.Shared.Sockets.UnixSocketFile.IsAnswering(stale).ShouldBeTrue();
    }

    private static Task<ControlAnswer> Execute(string line, CancellationToken cancellationToken) => line switch
    {
        "fail" => throw new InvalidOperationException("broken on purpose"),
        _ when line.StartsWith("echo ", StringComparison.Ordinal) => Task.FromResult(ControlAnswer.Done(line[5..])),
        _ => Task.FromResult(ControlAnswer.Error(ControlAnswer.BadRequest, "unknown")),
    };

    /// <summary>Sends <paramref name="request"/> and reads until <paramref name="answers"/> answers (or the end) arrived.</summary>
    private async Task<string> ExchangeAsync(string request, int answers)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        await socket.SendAsync(Encoding.UTF8.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new StringBuilder();
        var buffer = new byte[8192];
        while (CountAnswers(received.ToString()) < answers)
        {
            var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (count == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, count));
        }

        return received.ToString();
    }

    private static int CountAnswers(string text) => text.Split("\n\n").Length - 1;
}
