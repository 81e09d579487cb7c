using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace NatEdge.IntegrationTests.Proxy;

/// <summary>Bad and hostile input against the running process: it must stay up, answer, and not hoard memory.</summary>
public class ProxyRobustnessTests(ITestOutputHelper output)
{
    private static string TortureDirectory => Path.Combine(BuiltExecutables.RepositoryRoot, "tests", "TestData", "sip", "rfc4475");

    private static async Task ShouldAnswerOptionsAsync(ProxyProcess proxy)
    {
        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true));
        RawSipClient.StatusCode(reply).ShouldBe(200);
    }

    [Fact]
    public async Task A_thousand_mutated_torture_messages_leave_the_proxy_alive_and_answering_options()
    {
        var corpus = Directory.GetFiles(TortureDirectory, "*.dat").Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        corpus.Count.ShouldBeGreaterThan(40, $"the RFC 4475 messages are expected in {TortureDirectory}");
        await using var proxy = await ProxyProcess.StartAsync();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var mutator = new MessageMutator(seed: 4475);

        for (var i = 0; i < 1000; i++)
        {
            var datagram = mutator.Mutate(corpus[i % corpus.Count]);
            await client.SendAsync(datagram, proxy.EndPoint);
            if (i % 50 == 49)
            {
                // Let the receive loops keep up so the datagrams are processed, not dropped by the kernel.
                await Task.Delay(10);
            }
        }

        await ShouldAnswerOptionsAsync(proxy);
        proxy.Process.HasExited.ShouldBeFalse();
        proxy.Process.Output.ShouldNotContain("Unhandled exception");
        proxy.Process.Output.ShouldNotContain("Handler failed");
        (await proxy.StopAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task An_announced_10_mb_body_over_tcp_is_refused_without_the_process_growing()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        await ShouldAnswerOptionsAsync(proxy);
        var before = proxy.Process.ResidentKiB();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(proxy.EndPoint);
            var header = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "TCP", "phone.natedge.invalid", rport: true, method: "MESSAGE")
                .Replace("Content-Length: 0", "Content-Length: 10485760", StringComparison.Ordinal);
            await socket.SendAsync(Encoding.ASCII.GetBytes(header));
            var body = SendQuietlyAsync(socket, new byte[10 * 1024 * 1024]);

            // RFC 3261 21.5.14: 513 Message Too Large; the connection is closed after it.
            var reply = await RawSipClient.ReadMessageAsync(socket);
            if (reply is not null)
            {
                RawSipClient.StatusCode(reply).ShouldBe(513);
                (await RawSipClient.ReadMessageAsync(socket)).ShouldBeNull("the connection should close after the 513");
            }

            await body;
        }

        var after = proxy.Process.ResidentKiB();
        output.WriteLine($"VmRSS {before} KiB before, {after} KiB after five refused 10 MB bodies");
        (after - before).ShouldBeLessThan(20 * 1024, $"VmRSS went from {before} KiB to {after} KiB after five refused 10 MB messages");
        await ShouldAnswerOptionsAsync(proxy);
    }

    [Fact]
    public async Task A_100_kb_header_section_over_tcp_closes_the_connection()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        await ShouldAnswerOptionsAsync(proxy);
        var before = proxy.Process.ResidentKiB();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.EndPoint);

        var padding = string.Concat(Enumerable.Repeat("X-Padding: 0123456789012345678901234567890123456789012345678901234567890123456789\r\n", 1250));
        var request = $"OPTIONS sip:127.0.0.1:{proxy.Port} SIP/2.0\r\n" + padding;
        await SendQuietlyAsync(socket, Encoding.ASCII.GetBytes(request));

        (await RawSipClient.ReadMessageAsync(socket)).ShouldBeNull("a header section over the limit closes the connection");
        var after = proxy.Process.ResidentKiB();
        output.WriteLine($"VmRSS {before} KiB before, {after} KiB after a 100 KB header section");
        (after - before).ShouldBeLessThan(20 * 1024, $"VmRSS went from {before} KiB to {after} KiB");
        await ShouldAnswerOptionsAsync(proxy);
    }

    [Fact]
    public async Task A_stream_request_without_content_length_gets_400_and_the_connection_closes()
    {
        await using var proxy = await ProxyProcess.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(proxy.EndPoint);

        // RFC 3261 18.3: Content-Length is mandatory on stream transports.
        var request = RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "TCP", "phone.natedge.invalid", rport: true)
            .Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));

        var reply = await RawSipClient.ReadMessageAsync(socket);
        reply.ShouldNotBeNull();
        RawSipClient.StatusCode(reply).ShouldBe(400);
        (await RawSipClient.ReadMessageAsync(socket)).ShouldBeNull();
    }

    [Fact]
    public async Task A_datagram_over_the_configured_maximum_gets_513()
    {
        await using var proxy = await ProxyProcess.StartAsync(["--max-message-size", "1024"]);
        var padding = "X-Padding: " + new string('a', 1200) + "\r\n";

        var reply = await RawSipClient.UdpExchangeAsync(proxy.EndPoint, RawSipClient.Options($"sip:127.0.0.1:{proxy.Port}", "UDP", "phone.natedge.invalid", rport: true, extraHeaders: padding));

        RawSipClient.StatusCode(reply).ShouldBe(513);
        await ShouldAnswerOptionsAsync(proxy);
    }

    /// <summary>Sends until done or until the proxy closes the connection, which is what these tests expect it to do.</summary>
    private static async Task SendQuietlyAsync(Socket socket, byte[] data)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            for (var offset = 0; offset < data.Length; offset += 65536)
            {
                await socket.SendAsync(data.AsMemory(offset, Math.Min(65536, data.Length - offset)), SocketFlags.None, timeout.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
        }
    }
}
