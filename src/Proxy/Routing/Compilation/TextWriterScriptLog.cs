namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// Writes log() lines as "LEVEL: text" to a writer (standard error by default, for
/// log_stderror=yes and journald). SER's levels: -3 alert, -2 critical, -1 error,
/// 1 warning, 2 notice, 3 info, 4 debug.
/// </summary>
public sealed class TextWriterScriptLog(TextWriter writer) : IScriptLog
{
    public TextWriterScriptLog()
        : this(Console.Error)
    {
    }

    public void Write(int level, string text) => writer.WriteLine($"{LevelName(level)}: {text}");

    private static string LevelName(int level) => level switch
    {
        <= -3 => "ALERT",
        -2 => "CRIT",
        -1 => "ERROR",
        0 or 1 => "WARNING",
        2 => "NOTICE",
        3 => "INFO",
        _ => "DEBUG",
    };
}
