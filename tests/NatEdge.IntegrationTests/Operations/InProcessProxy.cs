using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.Proxy.Core;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Routing;

namespace NatEdge.IntegrationTests.Operations;

/// <summary>
/// The proxy wired as <c>natedge-proxy run</c> wires it (script, module services, transports, the
/// pipeline with its transaction layer), but inside the test process, so an in-process listener
/// (an OpenTelemetry in-memory exporter) sees what it does. UDP on one free loopback port.
/// </summary>
internal sealed class InProcessProxy : IAsyncDisposable
{
    private readonly ProxyTransports _transports;
    private readonly ModuleServices _services;

    private InProcessProxy(ProxyTransports transports, ModuleServices services, int port)
    {
        _transports = transports;
        _services = services;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    public static async Task<InProcessProxy> StartAsync(string scriptText)
    {
        var script = ScriptLoader.BindText(scriptText, "proxy.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        var port = FreePorts.UdpAndTcp();
        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(script.Settings, "proxy.cfg", [$"udp:127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"], null, null, errors);
        settings.ShouldNotBeNull(string.Join('\n', errors));
        var services = await ModuleServices.StartAsync(script.Modules, TimeProvider.System);
        var transports = await ProxyTransports.BindAsync(
            settings,
            bound => SipRequestPipeline.Create(settings, script, bound, NullLoggerFactory.Instance, services),
            NullLoggerFactory.Instance,
            TimeProvider.System);
        transports.Start();
        return new InProcessProxy(transports, services, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _transports.DisposeAsync();
        await _services.DisposeAsync();
    }
}
