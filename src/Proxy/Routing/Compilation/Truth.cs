namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Outcome of a condition in SER's expression evaluator: a function returning 0
/// makes the whole if behave like break (<see cref="Stop"/>), and an operand that
/// cannot be read (a reply has no Request-URI) is an <see cref="Error"/>, which
/// sends the if to its else branch and survives '!'.
/// </summary>
public enum Truth
{
    False,
    True,
    Stop,
    Error,
}
