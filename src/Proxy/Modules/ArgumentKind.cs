namespace NatEdge.Proxy.Modules;

/// <summary>What a function argument must be; the binder checks and converts it once, at load time.</summary>
public enum ArgumentKind
{
    /// <summary>A quoted string (SER passes module arguments as strings).</summary>
    Text,

    /// <summary>A decimal integer, written as a number or as a quoted number ("10").</summary>
    Integer,

    /// <summary>A script flag, 0-31.</summary>
    Flag,

    /// <summary>A POSIX extended regex, compiled case-insensitive and non-backtracking.</summary>
    Regex,
}
