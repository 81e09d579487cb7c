namespace NatEdge.MediaRelay.Configuration;

/// <summary>One problem with the relay's configuration: where (file:line or the flag) and what to do.</summary>
public sealed record ConfigDiagnostic(string Source, string Message)
{
    public override string ToString() => $"{Source}: {Message}";
}
