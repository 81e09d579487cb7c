namespace NatEdge.Shared.Control;

/// <summary>Commands of the MediaProxy module protocol (spec §1.2) and the relay's management extension (spec §9).</summary>
public enum ControlCommand
{
    Update,
    Remove,
    Summary,
    Sessions,
}
