using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Modules.Usrloc;
using Prometheus;

namespace NatEdge.Proxy.Management;

/// <summary>
/// The commands of the control socket, one per line, words separated by blanks. Each returns a
/// <see cref="ControlAnswer"/>; an unknown or malformed command is answered 400 with the usage.
/// </summary>
public sealed class ControlCommands
{
    public const string Usage =
        "commands: ul show [AOR] | ul rm AOR [CONTACT] | ul add AOR CONTACT [EXPIRES] | status | uptime | version | stats | relay status | relay sessions | reload | debug [LEVEL]";

    private readonly ScriptReloader _reloader;
    private readonly RegistrationCommands _registrations;
    private readonly LogLevelSwitch _logLevel;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;
    private readonly IReadOnlyList<string> _listeners;

    /// <param name="listeners">where the proxy listens, as <c>udp:IP:PORT</c> tokens (<c>status</c>)</param>
    public ControlCommands(ScriptReloader reloader, ILocationStore? location, LogLevelSwitch logLevel, ILogger logger, TimeProvider time, IReadOnlyList<string> listeners)
    {
        ArgumentNullException.ThrowIfNull(reloader);
        ArgumentNullException.ThrowIfNull(time);
        _reloader = reloader;
        _registrations = new RegistrationCommands(location, () => reloader.Current, time);
        _logLevel = logLevel;
        _logger = logger;
        _time = time;
        _started = time.GetUtcNow();
        _listeners = listeners;
    }

    public async Task<ControlAnswer> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return (words.Length == 0 ? "" : words[0], words.Length) switch
        {
            ("ul", _) => await _registrations.ExecuteAsync(words, cancellationToken).ConfigureAwait(false),
            ("status", 1) => await ProxyStatus.DescribeAsync($"natedge-proxy {Version()}, {UptimeText()}", _listeners, cancellationToken).ConfigureAwait(false),
            ("uptime", 1) => ControlAnswer.Done(UptimeText()),
            ("version", 1) => ControlAnswer.Done($"natedge-proxy {Version()}"),
            ("stats", 1) => await StatsAsync(cancellationToken).ConfigureAwait(false),
            ("relay", 2) when words[1] == "status" => await RelayStatus.DescribeAsync(cancellationToken).ConfigureAwait(false),
            ("relay", 2) when words[1] == "sessions" => await RelaySessionListing.DescribeAsync(cancellationToken).ConfigureAwait(false),
            ("reload", 1) => (await Task.Run(_reloader.Reload, cancellationToken).ConfigureAwait(false)).ToAnswer(),
            ("debug", 1 or 2) => Debug(words),
            ("help", 1) => ControlAnswer.Done(Usage),
            _ => ControlAnswer.Error(ControlAnswer.BadRequest, $"unknown command '{line.Trim()}'", Usage),
        };
    }

    private string UptimeText()
    {
        var up = _time.GetUtcNow() - _started;
        return string.Create(CultureInfo.InvariantCulture, $"up {(long)up.TotalSeconds} s since {RegistrationListing.Timestamp(_started.UtcDateTime)}");
    }

    private ControlAnswer Debug(string[] words)
    {
        if (words.Length == 1)
        {
            return ControlAnswer.Done(string.Create(CultureInfo.InvariantCulture, $"debug={_logLevel.SerLevel} ({_logLevel.Minimum})"));
        }

        if (!int.TryParse(words[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) || level is < -3 or > 9)
        {
            return ControlAnswer.Error(ControlAnswer.BadRequest, $"LEVEL is SER's debug level, -3 to 9, got '{words[1]}'");
        }

        _logLevel.SerLevel = level;
        ManagementLog.LogLevelChanged(_logger, level, _logLevel.Minimum);
        return ControlAnswer.Done(string.Create(CultureInfo.InvariantCulture, $"debug={level} ({_logLevel.Minimum})"));
    }

    /// <summary>The samples the metrics endpoint serves, without the comment lines.</summary>
    private static async Task<ControlAnswer> StatsAsync(CancellationToken cancellationToken)
    {
        using var text = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text, cancellationToken).ConfigureAwait(false);
        var lines = Encoding.UTF8.GetString(text.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith('#'))
            .ToList();
        return ControlAnswer.Done(lines);
    }

    private static string Version() =>
        typeof(ControlCommands).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
