namespace NatEdge.Proxy.Modules;

/// <summary>One declared parameter of a script function.</summary>
public sealed record FunctionParameter(string Name, ArgumentKind Kind);
