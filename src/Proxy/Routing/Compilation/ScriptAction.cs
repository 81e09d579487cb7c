namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// A prepared action: a module function with its arguments already converted.
/// Returns SER's tri-state code: positive true, negative false, zero stop.
/// Functions that complete synchronously return a completed ValueTask, which costs no allocation.
/// </summary>
public delegate ValueTask<int> ScriptAction(RouteContext context);
