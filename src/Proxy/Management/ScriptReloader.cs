using Microsoft.Extensions.Logging;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>reload</c> and SIGHUP: reads the route script again, checks it exactly as <c>run</c> does at
/// start, and either swaps it in whole or leaves the running one in place with the reasons. One
/// reload at a time.
/// </summary>
public sealed class ScriptReloader
{
    private readonly Lock _gate = new();
    private readonly string? _configPath;
    private readonly RunFlags _flags;
    private readonly SipRequestPipeline _pipeline;
    private readonly LogLevelSwitch _logLevel;
    private readonly ILogger _logger;
    private ProxyRunSettings _settings;

    public ScriptReloader(string? configPath, RunFlags flags, BoundScript running, ProxyRunSettings settings, SipRequestPipeline pipeline, LogLevelSwitch logLevel, ILogger logger)
    {
        _configPath = configPath;
        _flags = flags;
        Current = running;
        _settings = settings;
        _pipeline = pipeline;
        _logLevel = logLevel;
        _logger = logger;
    }

    /// <summary>The script requests are routed with now.</summary>
    public BoundScript Current { get; private set; }

    public ReloadOutcome Reload()
    {
        lock (_gate)
        {
            var outcome = TryReload();
            if (outcome.Applied)
            {
                var restart = outcome.NeedsRestart.Count == 0 ? "" : "; needs a restart to apply: " + string.Join("; ", outcome.NeedsRestart);
                ManagementLog.Reloaded(_logger, outcome.Name, restart);
            }
            else
            {
                ManagementLog.ReloadRefused(_logger, string.Join(" | ", outcome.Problems));
            }

            return outcome;
        }
    }

    private ReloadOutcome TryReload()
    {
        var source = ScriptSource.Resolve(_configPath, out var sourceError);
        if (source is null)
        {
            return ReloadOutcome.Refused(_configPath ?? ScriptSource.DefaultConfigPath, [sourceError!]);
        }

        var script = ScriptLoader.BindText(source.Text, source.Name, out var diagnostics);
        if (diagnostics.HasErrors)
        {
            return ReloadOutcome.Refused(source.Name, Lines(diagnostics.Render()));
        }

        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(script.Settings, source.Name, _flags.Listen, _flags.Metrics, _flags.MaxMessageBytes, errors);
        if (settings is null)
        {
            return ReloadOutcome.Refused(source.Name, errors);
        }

        if (StartOnlySettings.ModuleSetChange(Current, script) is { } modules)
        {
            return ReloadOutcome.Refused(source.Name, [modules]);
        }

        var restart = StartOnlySettings.Differences(Current, _settings, script, settings);
        _pipeline.ReplaceScript(script);
        _logLevel.SerLevel = script.Settings.Debug;
        Current = script;
        _settings = settings;
        return new ReloadOutcome(true, source.Name, Lines(diagnostics.Render()), restart);
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>The run flags that override the script's settings, kept so a reload resolves them the same way.</summary>
public sealed record RunFlags(IReadOnlyList<string> Listen, string? Metrics, int? MaxMessageBytes);

/// <summary>
/// What a reload did: applied (with the script's warnings and the start-only settings that wait for
/// a restart) or refused (with the diagnostics or the reason; nothing changed).
/// </summary>
public sealed record ReloadOutcome(bool Applied, string Name, IReadOnlyList<string> Problems, IReadOnlyList<string> NeedsRestart)
{
    public static ReloadOutcome Refused(string name, IReadOnlyList<string> problems) => new(false, name, problems, []);

    public ControlAnswer ToAnswer()
    {
        if (!Applied)
        {
            return ControlAnswer.Error(ControlAnswer.Refused, $"reload of {Name} refused; the running script stays", Problems);
        }

        var lines = new List<string> { $"reloaded {Name}" };
        lines.AddRange(NeedsRestart.Select(d => "needs a restart to apply: " + d));
        lines.AddRange(Problems);
        return ControlAnswer.Done(lines);
    }
}
