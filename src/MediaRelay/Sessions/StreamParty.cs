namespace NatEdge.MediaRelay.Sessions;

/// <summary>The dialog creator (caller) or the other party (callee).</summary>
internal enum StreamParty
{
    Caller,
    Callee,
}
