using System.Net;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Hosting;

/// <summary>run's settings: the script's global parameters as the route-script engine binds them, flags over them.</summary>
public sealed class ProxyRunSettingsTests
{
    private static ScriptSettings Script(string text)
    {
        var bound = ScriptLoader.BindText(text + "\nroute { break; }\n", "test.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        return bound.Settings;
    }

    private static ProxyRunSettings? Resolve(ScriptSettings script, string[] listen, string? metrics, List<string> errors) =>
        ProxyRunSettings.Resolve(script, "test.cfg", listen, metrics, null, errors);

    [Fact]
    public void Nothing_configured_listens_on_loopback_udp_and_tcp_5060()
    {
        var errors = new List<string>();
        var settings = Resolve(Script("debug=3"), [], null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5060)),
        ]);
        settings.ReceiveLoops.ShouldBe(8, "SER's default for children=");
    }

    [Fact]
    public void Script_listen_port_alias_and_children_lines_are_honoured()
    {
        // The guide's global section, with its listen line pointed at loopback as its text tells the reader.
        var script = Script(
            "debug=3          # debug level\n" +
            "fork=no\n" +
            "listen=127.0.0.1           # INSERT YOUR IP ADDRESS HERE\n" +
            "listen=tcp:[::1]:5070\n" +
            "/* listen=10.0.0.1\n   listen=10.0.0.2 */\n" +
            "port=5062\n" +
            "children=4\n" +
            "alias=\"sip.natedge.invalid\"\n" +
            "alias=pbx.natedge.invalid:5080\n");

        var errors = new List<string>();
        var settings = Resolve(script, [], null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5062)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5062)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.IPv6Loopback, 5070)),
        ]);
        settings.ReceiveLoops.ShouldBe(4);
        settings.Aliases.ShouldBe([new HostAlias("sip.natedge.invalid", null), new HostAlias("pbx.natedge.invalid", 5080)]);
    }

    [Fact]
    public void Listen_flags_replace_the_script_listen_lines()
    {
        var errors = new List<string>();
        var settings = Resolve(Script("listen=127.0.0.1\nport=5062"), ["udp:127.0.0.1:25060", "127.0.0.1:0"], null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 25060)),
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 0)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 0)),
        ]);
    }

    [Fact]
    public void Every_listen_the_proxy_cannot_bind_is_reported()
    {
        var errors = new List<string>();
        Resolve(Script("listen=udp:localhost\nlisten=tls:127.0.0.1:5061"), [], null, errors).ShouldBeNull();

        errors.Count.ShouldBe(2);
        errors[0].ShouldStartWith("test.cfg: listen=udp:localhost: ");
        errors[0].ShouldContain("a name, not an address");
        errors[1].ShouldStartWith("test.cfg: listen=tls:127.0.0.1:5061: ");
        errors[1].ShouldContain("TLS is not offered");
    }

    [Fact]
    public void Bad_flags_are_all_reported_by_name()
    {
        var errors = new List<string>();
        Resolve(Script(string.Empty), ["sctp:127.0.0.1", "udp:localhost:5060"], "127.0.0.1", errors).ShouldBeNull();

        errors.Count.ShouldBe(3);
        errors[0].ShouldStartWith("--listen sctp:127.0.0.1: ");
        errors[1].ShouldStartWith("--listen udp:localhost:5060: ");
        errors[2].ShouldStartWith("--metrics 127.0.0.1: ");
    }

    [Fact]
    public void Metrics_endpoint_is_parsed()
    {
        var errors = new List<string>();

        var settings = Resolve(Script(string.Empty), [], "127.0.0.1:9090", errors);

        settings!.MetricsEndPoint.ShouldBe(new IPEndPoint(IPAddress.Loopback, 9090));
    }
}
