using Microsoft.Extensions.Time.Testing;
using NatEdge.MediaRelay.Ports;

namespace NatEdge.MediaRelay.Tests.Ports;

public class PortAllocatorTests
{
    [Fact]
    public void Pairs_are_even_rtp_and_odd_rtcp_from_low_up_to_below_high()
    {
        var allocator = new PortAllocator(40000, 40008, TimeSpan.Zero, new FakeTimeProvider());
        allocator.Capacity.ShouldBe(4);
        var pairs = new List<PortPair>();
        while (allocator.TryAllocate(out var pair)) pairs.Add(pair);
        pairs.Select(p => (p.Rtp, p.Rtcp)).ShouldBe([(40000, 40001), (40002, 40003), (40004, 40005), (40006, 40007)]);
    }

    [Fact]
    public void Exhaustion_is_reported_at_once()
    {
        var allocator = new PortAllocator(40000, 40004, TimeSpan.Zero, new FakeTimeProvider());
        allocator.TryAllocate(out _).ShouldBeTrue();
        allocator.TryAllocate(out _).ShouldBeTrue();
        allocator.TryAllocate(out _).ShouldBeFalse();
        allocator.InUse.ShouldBe(2);
    }

    [Fact]
    public void Freed_pairs_are_reused_least_recently_used_first()
    {
        var allocator = new PortAllocator(40000, 40006, TimeSpan.Zero, new FakeTimeProvider());
        allocator.TryAllocate(out var first).ShouldBeTrue();
        allocator.Release(first);
        allocator.TryAllocate(out var next).ShouldBeTrue();
        next.Rtp.ShouldBe(40002, "the pair freed last waits behind the ones never used");
    }

    [Fact]
    public void Freed_pairs_rest_in_quarantine_before_reuse()
    {
        var time = new FakeTimeProvider();
        var allocator = new PortAllocator(40000, 40004, TimeSpan.FromSeconds(2), time);
        allocator.TryAllocate(out var a).ShouldBeTrue();
        allocator.TryAllocate(out _).ShouldBeTrue();
        allocator.Release(a);
        allocator.Quarantined.ShouldBe(1);
        allocator.TryAllocate(out _).ShouldBeFalse("the freed pair is still in quarantine");
        time.Advance(TimeSpan.FromMilliseconds(1999));
        allocator.TryAllocate(out _).ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        allocator.TryAllocate(out var reused).ShouldBeTrue();
        reused.ShouldBe(a);
    }

    [Fact]
    public void Pairs_set_aside_return_when_they_outnumber_the_free_ones()
    {
        var allocator = new PortAllocator(40000, 40006, TimeSpan.Zero, new FakeTimeProvider());
        allocator.TryAllocate(out var bad1).ShouldBeTrue();
        allocator.SetAside(bad1);
        allocator.TryAllocate(out var bad2).ShouldBeTrue();
        allocator.SetAside(bad2);
        allocator.Unusable.ShouldBe(2);
        // One free pair left, two set aside: the set-aside ones get another chance.
        allocator.TryAllocate(out var next).ShouldBeTrue();
        next.Rtp.ShouldBe(40004);
        allocator.Unusable.ShouldBe(0);
        allocator.TryAllocate(out var retried).ShouldBeTrue();
        retried.ShouldBe(bad1);
    }
}
