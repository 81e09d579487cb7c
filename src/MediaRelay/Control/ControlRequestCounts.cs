using NatEdge.Shared.Control;

namespace NatEdge.MediaRelay.Control;

/// <summary>Control requests answered, by command and outcome; counted on the control path, read at scrape time.</summary>
internal sealed class ControlRequestCounts
{
    /// <summary>The command label for bytes that did not decode as a request.</summary>
    public const string Undecodable = "invalid";

    private static readonly ControlCommand[] Commands = Enum.GetValues<ControlCommand>();
    private static readonly ControlOutcome[] Outcomes = Enum.GetValues<ControlOutcome>();

    // One row per command plus one for undecodable requests; one column per outcome.
    private readonly long[] _counts = new long[(Commands.Length + 1) * Outcomes.Length];

    public static ControlOutcome OutcomeOf(ControlReplyKind kind) => kind switch
    {
        ControlReplyKind.Error => ControlOutcome.Error,
        ControlReplyKind.Halting => ControlOutcome.Refused,
        _ => ControlOutcome.Ok,
    };

    public void Count(ControlCommand command, ControlOutcome outcome) =>
        Interlocked.Increment(ref _counts[(int)command * Outcomes.Length + (int)outcome]);

    public void CountUndecodable() => Interlocked.Increment(ref _counts[Commands.Length * Outcomes.Length + (int)ControlOutcome.Error]);

    /// <summary>Every (command, outcome) pair with its count, zeros included, so the series exist from the start.</summary>
    public IEnumerable<(string Command, string Outcome, long Count)> All()
    {
        for (var row = 0; row <= Commands.Length; row++)
        {
            var command = row < Commands.Length ? ControlRequestWriter.CommandToken(Commands[row]) : Undecodable;
            foreach (var outcome in Outcomes)
            {
                if (row == Commands.Length && outcome != ControlOutcome.Error) continue;
                yield return (command, Label(outcome), Interlocked.Read(ref _counts[row * Outcomes.Length + (int)outcome]));
            }
        }
    }

    private static string Label(ControlOutcome outcome) => outcome switch
    {
        ControlOutcome.Ok => "ok",
        ControlOutcome.Refused => "halting",
        _ => "error",
    };
}
