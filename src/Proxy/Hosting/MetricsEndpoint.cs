using System.Net;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace NatEdge.Proxy.Hosting;

/// <summary>
/// The Prometheus scrape endpoint of <c>--metrics IP:PORT</c>. prometheus-net publishes every
/// .NET Meter of the process (and the process's own CPU, memory and GC figures), so the proxy's
/// instruments are defined once on Meters and read here at scrape time.
/// </summary>
public static class MetricsEndpoint
{
    public static IDisposable Start(IPEndPoint endPoint, ILogger logger)
    {
        var host = endPoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endPoint.Address}]" : endPoint.Address.ToString();
        var server = new MetricServer(host, endPoint.Port).Start();
        HostingLog.MetricsListening(logger, $"{host}:{endPoint.Port}");
        return server;
    }
}
