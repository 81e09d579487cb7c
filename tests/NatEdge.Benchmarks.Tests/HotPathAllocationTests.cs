using NatEdge.Benchmarks.Auth;
using NatEdge.Benchmarks.Control;
using NatEdge.Benchmarks.Forwarding;
using NatEdge.Benchmarks.Parsing;
using NatEdge.Benchmarks.Routing;
using NatEdge.Benchmarks.Sdp;
using NatEdge.Benchmarks.Transactions;
using NatEdge.Proxy.Modules.Auth;

namespace NatEdge.Benchmarks.Tests;

/// <summary>
/// Allocated bytes per operation of the microbenchmarks' hot paths, gated: allocation is deterministic,
/// so a change that makes a path allocate (or allocate more) fails here, while time is only reported
/// by BenchmarkDotNet. Each test runs the benchmark method itself (same setup, same operation), warmed
/// first so one-time costs (JIT, lazy statics, pool growth) are not counted.
/// The budgets: zero where the design says the path allocates nothing (STYLE.md: match, route, forward a
/// packet); 2 KB for the parsed message (the parser's own budget in NatEdge.Proxy.Tests' AllocationTests);
/// elsewhere the bytes the path allocates on 2026-11-26 (digest verify, the control codec, the SDP
/// rewrite: decoded strings, lists, an encoder's scratch), a ceiling to lower as those paths lose their
/// allocations, never to raise without a reason in the commit.
/// </summary>
public sealed class HotPathAllocationTests
{
    private const int Warmup = 20;
    private const int Measured = 50;

    [Fact]
    public void Transaction_match_allocates_nothing()
    {
        var benchmark = new TransactionMatchingBenchmark { Live = 1_000 };
        benchmark.Setup();
        PerOperation(() => benchmark.MatchRetransmission(), 1024).ShouldBe(0);
        PerOperation(() => benchmark.MatchAck(), 1024).ShouldBe(0);
        PerOperation(() => benchmark.MissNewRequest(), 1024).ShouldBe(0);
    }

    [Fact]
    public void Script_run_of_the_main_route_allocates_nothing()
    {
        var benchmark = new ScriptRouteBenchmark();
        benchmark.Setup();
        PerOperation(() => benchmark.RegisterThroughMainRoute(), 1).ShouldBe(0);
        PerOperation(() => benchmark.InviteThroughMainRoute(), 1).ShouldBe(0);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Md5)]
    [InlineData(DigestAlgorithm.Sha256)]
    public void Digest_verify_stays_within_its_budget(DigestAlgorithm algorithm)
    {
        var benchmark = new DigestVerifyBenchmark { Algorithm = algorithm };
        benchmark.Setup();
        PerOperation(() => benchmark.Verify().GetAwaiter().GetResult(), 1000).ShouldBeLessThanOrEqualTo(144);
    }

    [Fact]
    public void Control_codec_stays_within_its_budget()
    {
        var benchmark = new ControlCodecBenchmark();
        benchmark.Setup();
        PerOperation(benchmark.WriteRequest, 1).ShouldBeLessThanOrEqualTo(2144);
        PerOperation(benchmark.WriteReply, 1).ShouldBeLessThanOrEqualTo(32);
        PerOperation(() => benchmark.ReadRequest().Media?.Count ?? 0, 1).ShouldBeLessThanOrEqualTo(3368);
        PerOperation(() => benchmark.ReadReply().Ports.Count, 1).ShouldBeLessThanOrEqualTo(384);
    }

    [Fact]
    public void Sdp_rewrite_stays_within_its_budget()
    {
        var benchmark = new SdpRewriteBenchmark();
        benchmark.Setup();
        PerOperation(benchmark.Index, 1).ShouldBeLessThanOrEqualTo(648);
        PerOperation(benchmark.IndexRewriteAndWrite, 1).ShouldBeLessThanOrEqualTo(2096);
    }

    [Fact]
    public void Packet_forward_allocates_nothing()
    {
        using var benchmark = new PacketForwardBenchmark();
        benchmark.Setup();
        PerOperation(() => (int)benchmark.Forward(), 512).ShouldBe(0);
    }

    [Fact]
    public void Parse_allocates_the_message_only()
    {
        var benchmark = new SipParserBenchmarks();
        PerOperation(benchmark.ParseRegister, 1).ShouldBeLessThan(2048);
        PerOperation(benchmark.ParseInviteWithSdp, 1).ShouldBeLessThan(2048);
    }

    /// <summary>Bytes allocated on this thread per operation, over <see cref="Measured"/> invocations after <see cref="Warmup"/>.</summary>
    private static long PerOperation(Func<int> invoke, int operationsPerInvoke)
    {
        for (var i = 0; i < Warmup; i++)
        {
            invoke();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Measured; i++)
        {
            invoke();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / ((long)Measured * operationsPerInvoke);
    }
}
