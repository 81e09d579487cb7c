using System.Net;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// The validated start-up settings of <c>natedge-proxy run</c>: flags over the script's global
/// parameters (<c>listen</c>, <c>port</c>, <c>alias</c>, <c>children</c>, as the route-script
/// engine bound them) over defaults.
/// </summary>
public sealed record ProxyRunSettings(
    IReadOnlyList<ListenEndpoint> Endpoints,
    IReadOnlyList<HostAlias> Aliases,
    int ReceiveLoops,
    IPEndPoint? MetricsEndPoint,
    TransportLimits Limits,
    string ConfigName)
{
    /// <summary>
    /// With no listen line and no flag the proxy listens on loopback only: a default must never
    /// expose a proxy on a public interface.
    /// </summary>
    public static readonly IReadOnlyList<ListenAddress> DefaultListen = [new ListenAddress(null, "127.0.0.1", IPAddress.Loopback, null)];

    /// <summary>Every problem is added to <paramref name="errors"/>; null when there was any.</summary>
    public static ProxyRunSettings? Resolve(
        ScriptSettings script,
        string configName,
        IReadOnlyList<string> listenFlags,
        string? metricsFlag,
        int? maxMessageBytes,
        List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(listenFlags);
        ArgumentNullException.ThrowIfNull(errors);
        var endpoints = new List<ListenEndpoint>();
        if (listenFlags.Count > 0)
        {
            foreach (var flag in listenFlags)
            {
                if (!ListenParser.TryParse(flag, out var listen, out var problem))
                {
                    errors.Add($"--listen {flag}: {problem}");
                }
                else
                {
                    Expand(listen, script.Port, $"--listen {flag}", endpoints, errors);
                }
            }
        }
        else
        {
            foreach (var listen in script.Listen.Count > 0 ? script.Listen : DefaultListen)
            {
                Expand(listen, script.Port, $"{configName}: listen={listen}", endpoints, errors);
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

        return errors.Count > 0
            ? null
            : new ProxyRunSettings(endpoints.Distinct().ToList(), script.Aliases, script.Children, metrics, limits, configName);
    }

    /// <summary>A listen line without a transport means UDP and TCP; without a port, port=.</summary>
    private static void Expand(ListenAddress listen, int defaultPort, string source, List<ListenEndpoint> endpoints, List<string> errors)
    {
        if (listen.Address is not { } address)
        {
            // A listener binds an address; a name would make what is bound depend on the resolver at start-up.
            errors.Add($"{source}: '{listen.Host}' is a name, not an address; listen on an IP address (127.0.0.1, [::1])");
            return;
        }

        if (listen.Protocol == TransportProtocol.Tls)
        {
            errors.Add($"{source}: TLS is not offered; listen on udp or tcp");
            return;
        }

        var endPoint = new IPEndPoint(address, listen.Port ?? defaultPort);
        if (listen.Protocol != TransportProtocol.Tcp)
        {
            endpoints.Add(new ListenEndpoint(SipTransportKind.Udp, endPoint));
        }

        if (listen.Protocol != TransportProtocol.Udp)
        {
            endpoints.Add(new ListenEndpoint(SipTransportKind.Tcp, endPoint));
        }
    }

    private static bool TryParseMetrics(string text, out IPEndPoint? endPoint, out string error)
    {
        endPoint = null;
        if (!ListenParser.TryParse(text, out var listen, out error))
        {
            return false;
        }

        if (listen.Protocol is not null || listen.Address is null || listen.Port is null)
        {
            error = "expected IP:PORT, e.g. 127.0.0.1:9090";
            return false;
        }

        endPoint = new IPEndPoint(listen.Address, listen.Port.Value);
        return true;
    }
}
