using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;

namespace NatEdge.Proxy.Modules.MediaProxy.Remote;

/// <summary>
/// The process's relay dispatcher, from the mediaproxy module's modparams: made (not started) when the
/// script binds, so the functions can route through it, and started with the other module services
/// when the proxy runs. There is one per listen address. Modparams: <c>dispatcher_certificate</c>
/// (PEM; empty, the default, means no dispatcher), <c>dispatcher_private_key</c>, <c>dispatcher_ca</c>,
/// <c>dispatcher_listen</c> (IP[:PORT], default 127.0.0.1:25060), <c>dispatcher_relay_timeout</c> and
/// <c>dispatcher_ping_timeout</c> and <c>dispatcher_relay_recover_interval</c> (ms).
/// </summary>
internal static class RelayDispatchers
{
    private static readonly ConcurrentDictionary<RelayDispatcherOptions, RelayDispatcher> Dispatchers = new();

    public static IEnumerable<ModuleParameter> Parameters =>
    [
        ModuleParameter.Text("dispatcher_certificate", ""),
        ModuleParameter.Text("dispatcher_private_key", ""),
        ModuleParameter.Text("dispatcher_ca", ""),
        ModuleParameter.Text("dispatcher_listen", $"127.0.0.1:{RelayDispatcherOptions.DefaultPort}"),
        // MediaProxy's relay_timeout (spec §3.2), in milliseconds as mediaproxy_timeout is.
        ModuleParameter.Int("dispatcher_relay_timeout", 5000) with { Minimum = 1 },
        ModuleParameter.Int("dispatcher_ping_timeout", 30000) with { Minimum = 1 },
        // MediaProxy's relay_recover_interval (spec §3.2): a relay timed out this long is dropped.
        ModuleParameter.Int("dispatcher_relay_recover_interval", 60000) with { Minimum = 1 },
    ];

    /// <summary>The dispatcher the settings describe; null when none is configured or the settings are invalid (<see cref="StartAsync"/> says why).</summary>
    public static RelayDispatcher? For(ModuleSettings settings) =>
        TryOptions(settings, out var options, out _) && options is not null ? Dispatchers.GetOrAdd(options, static o => new RelayDispatcher(o)) : null;

    /// <summary>Starts the configured dispatcher with a logger; null when none is configured.</summary>
    /// <exception cref="RelayDispatcherException">The settings are invalid, or the dispatcher cannot start.</exception>
    public static RelayDispatcher? Start(ModuleSettings settings, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        if (!TryOptions(settings, out var options, out var error))
        {
            throw new RelayDispatcherException(error);
        }

        if (options is null)
        {
            return null;
        }

        var dispatcher = Dispatchers.GetOrAdd(options, static o => new RelayDispatcher(o));
        dispatcher.UseLogger(loggers.CreateLogger("NatEdge.RelayDispatcher"));
        dispatcher.Start();
        return dispatcher;
    }

    /// <summary>
    /// What is wrong with the <c>dispatcher_*</c> modparams taken together: a half-configured dispatcher
    /// (a certificate without key or CA, or a key, CA or listen address without a certificate) or a
    /// listen address that is not IP[:PORT]. The binder reports these for <c>check</c> and <c>run</c> alike.
    /// </summary>
    public static IEnumerable<ModuleSettingsProblem> Problems(ModuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.GetText("dispatcher_certificate").Length == 0)
        {
            foreach (var parameter in (string[])["dispatcher_private_key", "dispatcher_ca", "dispatcher_listen"])
            {
                if (settings.IsSet(parameter) && settings.GetText(parameter).Length > 0)
                {
                    yield return new ModuleSettingsProblem(
                        parameter,
                        $"mediaproxy: {parameter} is set but dispatcher_certificate is not, so no relay dispatcher would listen",
                        "set dispatcher_certificate, dispatcher_private_key and dispatcher_ca together, or remove this modparam");
                }
            }

            yield break;
        }

        if (settings.GetText("dispatcher_private_key").Length == 0 || settings.GetText("dispatcher_ca").Length == 0)
        {
            yield return new ModuleSettingsProblem(
                "dispatcher_certificate",
                "mediaproxy: dispatcher_certificate needs dispatcher_private_key and dispatcher_ca (the operator CA relay certificates chain to)",
                "natedge-proxy ctl cert ca and ctl cert issue make all three");
        }

        if (!TryListen(settings.GetText("dispatcher_listen"), out _))
        {
            yield return new ModuleSettingsProblem(
                "dispatcher_listen",
                $"mediaproxy: dispatcher_listen '{settings.GetText("dispatcher_listen")}' is not IP[:PORT]",
                $"for example \"0.0.0.0:{RelayDispatcherOptions.DefaultPort}\"");
        }
    }

    private static bool TryOptions(ModuleSettings settings, out RelayDispatcherOptions? options, out string error)
    {
        options = null;
        error = string.Join("; ", Problems(settings).Select(problem => problem.Message));
        if (error.Length > 0)
        {
            return false;
        }

        var certificate = settings.GetText("dispatcher_certificate");
        if (certificate.Length == 0 || !TryListen(settings.GetText("dispatcher_listen"), out var listen))
        {
            return true;
        }

        options = new RelayDispatcherOptions
        {
            Listen = listen,
            CertificatePath = certificate,
            PrivateKeyPath = settings.GetText("dispatcher_private_key"),
            AuthorityPath = settings.GetText("dispatcher_ca"),
            RelayTimeout = TimeSpan.FromMilliseconds(settings.GetInteger("dispatcher_relay_timeout")),
            PingTimeout = TimeSpan.FromMilliseconds(settings.GetInteger("dispatcher_ping_timeout")),
            RecoverInterval = TimeSpan.FromMilliseconds(settings.GetInteger("dispatcher_relay_recover_interval")),
        };
        return true;
    }

    private static bool TryListen(string text, out IPEndPoint listen)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            listen = new IPEndPoint(address, RelayDispatcherOptions.DefaultPort);
            return true;
        }

        return IPEndPoint.TryParse(text, out listen!);
    }
}
