using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.Dialog;

namespace NatEdge.Proxy.Tests.Modules.Dialog;

public sealed class DialogTrackerTests
{
    [Fact]
    public void Retransmitted_invite_finds_the_same_dialog_and_its_id_reads_entry_colon_number()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());

        var first = tracker.GetOrCreate("call-1", "a1b2");
        var again = tracker.GetOrCreate("call-1", "a1b2");

        again.ShouldBeSameAs(first);
        first.Id.ShouldBe($"{first.Entry}:{first.Number}");
        first.Entry.ShouldBeLessThan((uint)DialogTracker.HashSize);
        tracker.FindById(first.Id).ShouldBeSameAs(first);
        tracker.GetOrCreate("call-2", "a1b2").Id.ShouldNotBe(first.Id);
    }

    [Fact]
    public void Requests_from_either_side_find_the_dialog()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());
        var dialog = tracker.GetOrCreate("call-1", "a1b2");
        DialogTracker.Confirm(dialog, "b9z");

        // The callee's BYE has From tag b9z and To tag a1b2 (spec §4.1's to_tag fallback).
        tracker.Find("call-1", "b9z", "a1b2").ShouldBeSameAs(dialog);
        tracker.Find("call-1", "a1b2", "b9z").ShouldBeSameAs(dialog);
        tracker.Find("call-1", "zzz", null).ShouldBeNull();
        dialog.State.ShouldBe(DialogState.Confirmed);
        dialog.CalleeTag.ShouldBe("b9z");
    }

    [Fact]
    public async Task Ending_runs_the_handlers_once_and_forgets_the_dialog()
    {
        var tracker = new DialogTracker(new FakeTimeProvider());
        var ended = new List<string>();
        tracker.Ended += dialog =>
        {
            ended.Add(dialog.Id);
            return ValueTask.CompletedTask;
        };
        var dialog = tracker.GetOrCreate("call-1", "a1b2");

        (await tracker.End(dialog)).ShouldBeTrue();
        (await tracker.End(dialog)).ShouldBeFalse();

        ended.ShouldBe([dialog.Id]);
        dialog.State.ShouldBe(DialogState.Ended);
        tracker.Count.ShouldBe(0);
        tracker.FindById(dialog.Id).ShouldBeNull();
    }

    [Fact]
    public async Task Dialogs_older_than_the_timeout_expire()
    {
        var time = new FakeTimeProvider();
        var tracker = new DialogTracker(time, TimeSpan.FromSeconds(60));
        var old = tracker.GetOrCreate("call-old", "t1");
        time.Advance(TimeSpan.FromSeconds(30));
        var young = tracker.GetOrCreate("call-young", "t2");
        time.Advance(TimeSpan.FromSeconds(30));

        (await tracker.ExpireAsync()).ShouldBe(1);

        old.State.ShouldBe(DialogState.Ended);
        young.State.ShouldBe(DialogState.Early);
        tracker.Count.ShouldBe(1);
    }
}
