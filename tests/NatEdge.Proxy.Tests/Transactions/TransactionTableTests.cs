using NatEdge.Proxy.Transactions;

namespace NatEdge.Proxy.Tests.Transactions;

public sealed class TransactionTableTests
{
    [Fact]
    public void A_filed_transaction_is_found_by_a_span_with_the_same_bytes()
    {
        var table = new TransactionTable<string>();
        table.TryAdd([(byte)'S', (byte)'a', 0xFF, (byte)'b'], "tx").ShouldBeTrue();

        Span<byte> probe = stackalloc byte[8];
        probe[0] = (byte)'S';
        probe[1] = (byte)'a';
        probe[2] = 0xFF;
        probe[3] = (byte)'b';

        table.TryGet(probe[..4], out var found).ShouldBeTrue();
        found.ShouldBe("tx");
        probe[3] = (byte)'c';
        table.TryGet(probe[..4], out _).ShouldBeFalse();
    }

    [Fact]
    public void The_second_of_two_racing_inserts_loses()
    {
        var table = new TransactionTable<string>();

        table.TryAdd("k"u8.ToArray(), "first").ShouldBeTrue();
        table.TryAdd("k"u8.ToArray(), "second").ShouldBeFalse();

        table.TryGet("k"u8, out var found).ShouldBeTrue();
        found.ShouldBe("first");
    }

    [Fact]
    public void Remove_takes_out_only_the_same_transaction()
    {
        var table = new TransactionTable<string>();
        var key = "k"u8.ToArray();
        table.TryAdd(key, "current");

        table.Remove(key, "stale").ShouldBeFalse();
        table.Count.ShouldBe(1);
        table.Remove(key, "current").ShouldBeTrue();
        table.Count.ShouldBe(0);
    }
}
