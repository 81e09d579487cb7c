using System.Globalization;

namespace NatEdge.MediaRelay;

/// <summary>Log lines to stderr (journald picks them up). Never called per packet.</summary>
internal static class RelayLog
{
    public static void Info(string message) => Write("info", message);

    public static void Warn(string message) => Write("warning", message);

    public static void Error(string message) => Write("error", message);

    private static void Write(string level, string message) =>
        Console.Error.WriteLine($"{DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} natedge-relay {level}: {message}");
}
