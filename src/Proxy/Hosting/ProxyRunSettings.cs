using System.Net;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>The validated start-up settings of <c>natedge-proxy run</c>: flags over the script over defaults.</summary>
public sealed record ProxyRunSettings(
    IReadOnlyList<ListenEndpoint> Endpoints,
    IReadOnlyList<string> Aliases,
    int ReceiveLoops,
    IPEndPoint? MetricsEndPoint,
    TransportLimits Limits,
    string? ConfigPath)
{
    /// <summary>The script read when no --config is given (DESIGN.md, command-line contract).</summary>
    public const string DefaultConfigPath = "config/natedge.cfg";

    /// <summary>SER's default for children= (route-script spec, section 2).</summary>
    public const int DefaultReceiveLoops = 8;

    /// <summary>
    /// With nothing configured the proxy listens on loopback only: a default must never expose a
    /// proxy on a public interface.
    /// </summary>
    public static readonly IReadOnlyList<ListenSpec> DefaultListen = [new ListenSpec(null, IPAddress.Loopback, null)];

    public static ProxyRunSettings? Resolve(
        string? configPath,
        IReadOnlyList<string> listenFlags,
        string? metricsFlag,
        int? maxMessageBytes,
        List<string> errors)
    {
        var script = ReadScript(configPath, errors, out var usedPath);

        var fromFlags = new List<ListenSpec>();
        foreach (var flag in listenFlags)
        {
            if (ListenSpecParser.TryParse(flag, out var spec, out var error))
            {
                fromFlags.Add(spec);
            }
            else
            {
                errors.Add($"--listen {flag}: {error}");
            }
        }

        IPEndPoint? metrics = null;
        if (metricsFlag is not null && !TryParseMetrics(metricsFlag, out metrics, out var metricsError))
        {
            errors.Add($"--metrics {metricsFlag}: {metricsError}");
        }

        var limits = new TransportLimits();
        if (maxMessageBytes is { } max)
        {
            if (max is < 512 or > TransportLimits.UdpReceiveBufferBytes - 1)
            {
                errors.Add($"--max-message-size {max}: expected 512 to {TransportLimits.UdpReceiveBufferBytes - 1} bytes");
            }
            else
            {
                limits = limits with { MaxMessageBytes = max };
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var specs = fromFlags.Count > 0 ? fromFlags : script.Listen.Count > 0 ? script.Listen : DefaultListen;
        var port = script.Port ?? ListenSpec.DefaultSipPort;
        var endpoints = specs.SelectMany(s => s.Expand(port)).Distinct().ToList();
        return new ProxyRunSettings(endpoints, script.Aliases, script.Children ?? DefaultReceiveLoops, metrics, limits, usedPath);
    }

    private static ScriptListenSettings ReadScript(string? configPath, List<string> errors, out string? usedPath)
    {
        usedPath = configPath ?? (File.Exists(DefaultConfigPath) ? DefaultConfigPath : null);
        if (usedPath is null)
        {
            return ScriptListenSettings.Empty;
        }

        if (!File.Exists(usedPath))
        {
            errors.Add($"--config {usedPath}: no such file");
            return ScriptListenSettings.Empty;
        }

        try
        {
            return ScriptListenSettings.Read(usedPath, errors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"--config {usedPath}: {e.Message}");
            return ScriptListenSettings.Empty;
        }
    }

    private static bool TryParseMetrics(string text, out IPEndPoint? endPoint, out string? error)
    {
        endPoint = null;
        if (!ListenSpecParser.TryParse(text, out var spec, out error))
        {
            return false;
        }

        if (spec.Transport is not null || spec.Port is null)
        {
            error = "expected IP:PORT, e.g. 127.0.0.1:9090";
            return false;
        }

        endPoint = new IPEndPoint(spec.Address, spec.Port.Value);
        return true;
    }
}
