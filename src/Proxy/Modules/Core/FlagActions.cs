using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Modules.Core;

/// <summary>setflag/resetflag/isflagset on the message's 32 script flags (route-script.md 4.3).</summary>
internal static class FlagActions
{
    /// <summary>SER 0.9 flags are 0..31 (MAX_FLAG).</summary>
    public const int MaxFlag = 31;

    public static ScriptAction Set(long flag)
    {
        var mask = 1u << (int)flag;
        return context =>
        {
            context.Flags |= mask;
            return new ValueTask<int>(1);
        };
    }

    public static ScriptAction Reset(long flag)
    {
        var mask = 1u << (int)flag;
        return context =>
        {
            context.Flags &= ~mask;
            return new ValueTask<int>(1);
        };
    }

    public static ScriptAction IsSet(long flag)
    {
        var mask = 1u << (int)flag;
        return context => new ValueTask<int>((context.Flags & mask) != 0 ? 1 : -1);
    }
}
