using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Transport;

/// <summary>
/// A message whose handling waits (a database query) does not hold up its receive loop: with one
/// loop, later datagrams are handled while the first still waits, and the first still reads its
/// own bytes and source when it resumes. Past <see cref="UdpSipListener.MaxWaitingMessages"/> the
/// loop waits with its message instead.
/// </summary>
public sealed class UdpWaitingMessageTests
{
    [Fact]
    public async Task Later_datagrams_are_handled_while_the_first_waits_and_the_first_keeps_its_bytes()
    {
        var handler = new GatedHandler(waitFor: "REGISTER");
        await using var listener = UdpSipListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), receiveLoops: 1, handler, NullLogger.Instance);
        listener.Start();
        using var first = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var second = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await first.SendAsync(Encoding.ASCII.GetBytes("REGISTER sip:a SIP/2.0\r\n\r\n"), listener.LocalEndPoint);
        (await handler.NextStartedAsync()).ShouldStartWith("REGISTER");
        for (var i = 0; i < 5; i++)
        {
            await second.SendAsync(Encoding.ASCII.GetBytes($"OPTIONS sip:b{i} SIP/2.0\r\n\r\n"), listener.LocalEndPoint);
            (await handler.NextFinishedAsync()).ShouldBe($"OPTIONS sip:b{i} SIP/2.0\r\n\r\n from {second.Client.LocalEndPoint}");
        }

        handler.Release();

        (await handler.NextFinishedAsync()).ShouldBe($"REGISTER sip:a SIP/2.0\r\n\r\n from {first.Client.LocalEndPoint}");
    }

    [Fact]
    public async Task Past_the_limit_of_waiting_messages_the_loop_waits_with_its_message()
    {
        var handler = new GatedHandler(waitFor: "REGISTER");
        await using var listener = UdpSipListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), receiveLoops: 1, handler, NullLogger.Instance);
        listener.Start();
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        for (var i = 0; i <= UdpSipListener.MaxWaitingMessages; i++)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes($"REGISTER sip:{i} SIP/2.0\r\n\r\n"), listener.LocalEndPoint);
            await handler.NextStartedAsync();
        }

        await client.SendAsync(Encoding.ASCII.GetBytes("OPTIONS sip:late SIP/2.0\r\n\r\n"), listener.LocalEndPoint);
        await Task.Delay(300);
        handler.FinishedCount.ShouldBe(0, "the loop holds the message past the limit, so nothing after it is handled yet");

        handler.Release();

        var finished = new List<string>();
        for (var i = 0; i < UdpSipListener.MaxWaitingMessages + 2; i++)
        {
            finished.Add(await handler.NextFinishedAsync());
        }

        finished.ShouldContain(text => text.StartsWith("OPTIONS sip:late", StringComparison.Ordinal));
    }

    /// <summary>Holds every message that starts with a given method until released; others finish at once.</summary>
    private sealed class GatedHandler(string waitFor) : ISipMessageHandler
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Channel<string> _started = Channel.CreateUnbounded<string>();
        private readonly Channel<string> _finished = Channel.CreateUnbounded<string>();
        private int _finishedCount;

        public int FinishedCount => Volatile.Read(ref _finishedCount);

        public void Release() => _gate.SetResult();

        public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
        {
            var text = Encoding.ASCII.GetString(message.Span);
            _started.Writer.TryWrite(text);
            return text.StartsWith(waitFor, StringComparison.Ordinal) ? WaitThenFinishAsync(message, context) : Finish(text, context);
        }

        public ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;

        public async Task<string> NextStartedAsync() => await ReadAsync(_started);

        public async Task<string> NextFinishedAsync() => await ReadAsync(_finished);

        private async ValueTask WaitThenFinishAsync(ReadOnlyMemory<byte> message, SipReceiveContext context)
        {
            await _gate.Task;

            // Read only now: the bytes and the source must still be this message's.
            await Finish(Encoding.ASCII.GetString(message.Span), context);
        }

        private ValueTask Finish(string text, SipReceiveContext context)
        {
            Interlocked.Increment(ref _finishedCount);
            _finished.Writer.TryWrite($"{text} from {context.RemoteEndPoint()}");
            return ValueTask.CompletedTask;
        }

        private static async Task<string> ReadAsync(Channel<string> channel)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return await channel.Reader.ReadAsync(timeout.Token);
        }
    }
}
