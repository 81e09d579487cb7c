using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Management;

internal static partial class ManagementLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "control socket listening on {Path}")]
    public static partial void Listening(ILogger logger, string path);

    [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "control socket {Path} is in use by another running process; this proxy runs without one")]
    public static partial void SocketInUse(ILogger logger, string path);

    [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "cannot open the control socket {Path}: {Reason}; this proxy runs without one")]
    public static partial void CannotBind(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "control socket {Path}: refused a connection from user {User}")]
    public static partial void RefusedUser(ILogger logger, uint user, string path);

    [LoggerMessage(EventId = 704, Level = LogLevel.Error, Message = "control command '{Line}' failed")]
    public static partial void CommandFailed(ILogger logger, string line, Exception exception);

    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "script {Name} reloaded{Restart}")]
    public static partial void Reloaded(ILogger logger, string name, string restart);

    [LoggerMessage(EventId = 706, Level = LogLevel.Error, Message = "reload refused, the running script stays: {Problems}")]
    public static partial void ReloadRefused(ILogger logger, string problems);

    [LoggerMessage(EventId = 707, Level = LogLevel.Warning, Message = "log level set to debug={Level} ({Minimum})")]
    public static partial void LogLevelChanged(ILogger logger, int level, LogLevel minimum);
}
