using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Transport;
using Xunit.Abstractions;

namespace NatEdge.Proxy.Tests.Transport;

[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;

/// <summary>
/// The UDP receive path must not allocate per datagram (STYLE.md, hot paths). Measured over the
/// whole process, so it runs alone, with a handler that allocates nothing; the bound leaves room
/// for what the sending socket itself costs (about 14 bytes per SendTo here).
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class UdpReceiveAllocationTests(ITestOutputHelper output)
{
    private sealed class CountingHandler : ISipMessageHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public ValueTask HandleMessageAsync(ReadOnlyMemory<byte> message, SipReceiveContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return ValueTask.CompletedTask;
        }

        public ValueTask HandleFramingErrorAsync(StreamFramingError error, ReadOnlyMemory<byte> headerSection, SipReceiveContext context, CancellationToken cancellationToken) =>
            ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Receiving_a_datagram_allocates_nothing_once_the_loop_runs()
    {
        var handler = new CountingHandler();
        await using var listener = UdpSipListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), 1, handler, NullLogger.Instance);
        listener.Start();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var destination = listener.LocalEndPoint.Serialize();
        var datagram = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n"u8.ToArray();
        var target = 0;
        Func<bool> caughtUp = () => handler.Count >= target;

        void SendBatches(int batches)
        {
            for (var batch = 0; batch < batches; batch++)
            {
                for (var i = 0; i < 20; i++)
                {
                    sender.SendTo(datagram, SocketFlags.None, destination);
                }

                target += 20;

                // A plain check: an assertion library call here would itself allocate inside the measurement.
                if (!SpinWait.SpinUntil(caughtUp, TimeSpan.FromSeconds(5)))
                {
                    throw new TimeoutException($"the listener stopped receiving at {handler.Count} of {target}");
                }
            }
        }

        SendBatches(50);

        // Other work in the process (test cleanup, timers) adds to the count now and then; a cost of
        // the receive path would show in every round, so the quietest of three rounds is the figure.
        var perDatagram = double.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            SendBatches(100);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            output.WriteLine($"round {round}: {allocated} bytes allocated in the process for 2000 datagrams");
            perDatagram = Math.Min(perDatagram, allocated / 2000.0);
        }

        perDatagram.ShouldBeLessThan(16, "the receive loop should reuse its buffer, SocketAddress and awaitable");
    }
}
