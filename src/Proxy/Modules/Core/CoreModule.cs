using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using static NatEdge.Proxy.Modules.ArgumentKind;

namespace NatEdge.Proxy.Modules.Core;

/// <summary>
/// SER's core actions that look like function calls: script flags, log, and the
/// URI/forwarding actions (declared; they arrive with the stateful proxy).
/// The core is always loaded; it has no loadmodule file.
/// </summary>
internal static class CoreModule
{
    public const string Name = "core";

    /// <summary>SER's log() level when none is given: L_DBG.</summary>
    private const int DefaultLogLevel = 4;

    public static ScriptModule Create() => new(
        Name,
        [
            new("setflag", [new("flag", Flag)], RouteKind.Any, b => FlagActions.Set(b.Arguments[0].Integer)),
            new("resetflag", [new("flag", Flag)], RouteKind.Any, b => FlagActions.Reset(b.Arguments[0].Integer)),
            new("isflagset", [new("flag", Flag)], RouteKind.Any, b => FlagActions.IsSet(b.Arguments[0].Integer)),
            new("log", [new("text", Text)], RouteKind.Any, b => BindLog(DefaultLogLevel, b.Arguments[0].Text, b.Script.Debug)),
            new("log", [new("level", Integer), new("text", Text)], RouteKind.Any, b => BindLog((int)b.Arguments[0].Integer, b.Arguments[1].Text, b.Script.Debug)),
            new("force_rport", [], RouteKind.Request, NatHelper.NatHelperModule.ForceRport),
            ModuleFunction.Declared("forward", RouteKind.RequestAndFailure, new FunctionParameter("host", Text), new FunctionParameter("port", Integer)),
            ModuleFunction.Declared("rewritehost", RouteKind.RequestAndFailure, new FunctionParameter("host", Text)),
            ModuleFunction.Declared("sethost", RouteKind.RequestAndFailure, new FunctionParameter("host", Text)),
            ModuleFunction.Declared("rewriteuri", RouteKind.RequestAndFailure, new FunctionParameter("uri", Text)),
            ModuleFunction.Declared("seturi", RouteKind.RequestAndFailure, new FunctionParameter("uri", Text)),
            ModuleFunction.Declared("revert_uri", RouteKind.RequestAndFailure),
            ModuleFunction.Declared("append_branch", RouteKind.RequestAndFailure),
            ModuleFunction.Declared("prefix", RouteKind.RequestAndFailure, new FunctionParameter("prefix", Text)),
            ModuleFunction.Declared("strip", RouteKind.RequestAndFailure, new FunctionParameter("count", Integer)),
        ],
        []);

    private static ScriptAction BindLog(int level, string text, int debug)
    {
        // SER prints a log() line only when its level is within the configured debug level.
        if (level > debug)
        {
            return static _ => new ValueTask<int>(1);
        }

        return context =>
        {
            context.Log.Write(level, text);
            return new ValueTask<int>(1);
        };
    }
}
