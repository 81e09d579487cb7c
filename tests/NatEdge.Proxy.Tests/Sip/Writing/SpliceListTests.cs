using System.Text;
using NatEdge.Shared.Buffers;

namespace NatEdge.Proxy.Tests.Sip.Writing;

public class SpliceListTests
{
    private static readonly byte[] Source = "0123456789"u8.ToArray();

    [Fact]
    public void Edits_apply_in_offset_order_whatever_order_they_were_added()
    {
        var edits = new SpliceList();
        edits.Replace(7, 2, "XY"u8);
        edits.Insert(0, "<"u8);
        edits.Remove(3, 2);
        edits.Insert(10, ">"u8);

        Apply(edits).ShouldBe("<01256XY9>");
        edits.GetOutputLength(Source.Length).ShouldBe(10);
    }

    [Fact]
    public void Insertions_at_one_offset_keep_their_order_and_precede_a_replacement_there()
    {
        var edits = new SpliceList();
        edits.Replace(4, 2, "__"u8);
        edits.Insert(4, "a"u8);
        edits.Insert(4, "b"u8);

        Apply(edits).ShouldBe("0123ab__6789");
    }

    [Fact]
    public void Overlapping_edits_are_refused()
    {
        var edits = new SpliceList();
        edits.Remove(2, 4);

        Should.Throw<ArgumentException>(() => edits.Remove(5, 2));
        Should.Throw<ArgumentException>(() => edits.Replace(1, 2, "x"u8));
    }

    [Fact]
    public void Clear_makes_the_list_reusable()
    {
        var edits = new SpliceList();
        edits.Insert(1, "x"u8);
        edits.Clear();
        edits.Insert(2, "y"u8);

        Apply(edits).ShouldBe("01y23456789");
    }

    private static string Apply(SpliceList edits)
    {
        var destination = new byte[edits.GetOutputLength(Source.Length)];
        int written = edits.Apply(Source, destination);
        return Encoding.ASCII.GetString(destination, 0, written);
    }
}
