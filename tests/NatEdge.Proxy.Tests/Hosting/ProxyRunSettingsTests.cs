using System.Net;
using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Transport;

namespace NatEdge.Proxy.Tests.Hosting;

public sealed class ProxyRunSettingsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("natedge-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Script(string text)
    {
        var path = Path.Combine(_directory, "test.cfg");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Nothing_configured_listens_on_loopback_udp_and_tcp_5060()
    {
        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(Script("debug=3\n"), [], null, null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5060)),
        ]);
        settings.ReceiveLoops.ShouldBe(ProxyRunSettings.DefaultReceiveLoops);
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
            "// listen=10.0.0.3\n" +
            "port=5062\n" +
            "children=4\n" +
            "alias=\"sip.example.net\"\n" +
            "alias=pbx.example.net\n" +
            "route { if (uri==myself) { break; } }\n");

        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(script, [], null, null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe(
        [
            new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5062)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5062)),
            new ListenEndpoint(SipTransportKind.Tcp, new IPEndPoint(IPAddress.IPv6Loopback, 5070)),
        ]);
        settings.ReceiveLoops.ShouldBe(4);
        settings.Aliases.ShouldBe(["sip.example.net", "pbx.example.net"]);
    }

    [Fact]
    public void Listen_flags_replace_the_script_listen_lines()
    {
        var script = Script("listen=127.0.0.1\nport=5062\n");

        var errors = new List<string>();
        var settings = ProxyRunSettings.Resolve(script, ["udp:127.0.0.1:25060"], null, null, errors);

        errors.ShouldBeEmpty();
        settings!.Endpoints.ShouldBe([new ListenEndpoint(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 25060))]);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_file_and_line()
    {
        var script = Script("listen=udp:localhost\nport=seventy\nchildren=0\n");

        var errors = new List<string>();
        ProxyRunSettings.Resolve(script, ["sctp:127.0.0.1"], "127.0.0.1", null, errors).ShouldBeNull();

        errors.Count.ShouldBe(5);
        errors[0].ShouldStartWith($"{script}:1: ");
        errors[1].ShouldStartWith($"{script}:2: ");
        errors[2].ShouldStartWith($"{script}:3: ");
        errors[3].ShouldStartWith("--listen sctp:127.0.0.1: ");
        errors[4].ShouldStartWith("--metrics 127.0.0.1: ");
    }

    [Fact]
    public void A_missing_config_file_is_an_error()
    {
        var errors = new List<string>();

        ProxyRunSettings.Resolve(Path.Combine(_directory, "absent.cfg"), [], null, null, errors).ShouldBeNull();

        errors.ShouldHaveSingleItem().ShouldContain("no such file");
    }

    [Fact]
    public void Metrics_endpoint_is_parsed()
    {
        var errors = new List<string>();

        var settings = ProxyRunSettings.Resolve(Script(""), [], "127.0.0.1:9090", null, errors);

        settings!.MetricsEndPoint.ShouldBe(new IPEndPoint(IPAddress.Loopback, 9090));
    }
}
