using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Management;

/// <summary>
/// The proxy's log threshold, changed at run time by the control socket's <c>debug LEVEL</c> and by
/// a reloaded script's <c>debug=</c>. Levels are SER's: -3 alert, -2 critical, -1 error, 1 warning,
/// 2 notice, 3 info (the default), 4 and up debug.
/// </summary>
public sealed class LogLevelSwitch
{
    private volatile int _serLevel;

    public LogLevelSwitch(int serLevel) => _serLevel = serLevel;

    public int SerLevel
    {
        get => _serLevel;
        set => _serLevel = value;
    }

    public LogLevel Minimum => ToLogLevel(_serLevel);

    /// <summary>The filter the logger factory consults on every log call.</summary>
    public bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= Minimum;

    public static LogLevel ToLogLevel(int serLevel) => serLevel switch
    {
        <= -2 => LogLevel.Critical,
        -1 => LogLevel.Error,
        0 or 1 => LogLevel.Warning,
        2 or 3 => LogLevel.Information,
        4 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}
