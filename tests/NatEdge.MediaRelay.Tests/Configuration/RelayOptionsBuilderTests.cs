using System.Net;
using NatEdge.MediaRelay.Configuration;

namespace NatEdge.MediaRelay.Tests.Configuration;

public class RelayOptionsBuilderTests
{
    private static string WriteFile(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"relay-{Guid.NewGuid():N}.ini");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Defaults_follow_mediaproxy()
    {
        var options = RelayOptionsBuilder.Build([], []);
        options.PortRangeLow.ShouldBe(40000);
        options.PortRangeHigh.ShouldBe(60000);
        options.PortPairCount.ShouldBe(10000);
        options.StreamTimeout.ShouldBe(TimeSpan.FromSeconds(90));
        options.InactivityTimeout.ShouldBe(TimeSpan.FromSeconds(180));
        options.OnHoldTimeout.ShouldBe(TimeSpan.FromSeconds(7200));
        options.ControlSocket.ShouldBe("/run/natedge/relay.sock");
        options.ControlSocketMode.ShouldBe((UnixFileMode)Convert.ToInt32("660", 8));
    }

    [Fact]
    public void The_shipped_relay_ini_is_valid()
    {
        var path = Path.Combine(RepositoryRoot(), "config", "relay.ini");
        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build(RelayConfigFile.Read(path, diagnostics), diagnostics);
        diagnostics.ShouldBeEmpty();
        options.PortRangeLow.ShouldBe(40000);
        options.ControlSocket.ShouldBe("/run/natedge/relay.sock");
    }

    [Fact]
    public void Dispatcher_link_defaults_follow_mediaproxy()
    {
        // Spec §3.1 and §3.2: no dispatcher, reconnect after 10 s (1 s after losing a link), ping every 10 s.
        var options = RelayOptionsBuilder.Build([], []);
        options.Dispatchers.ShouldBeEmpty();
        options.ReconnectDelay.ShouldBe(TimeSpan.FromSeconds(10));
        options.FirstReconnectDelay.ShouldBe(TimeSpan.FromSeconds(1));
        options.KeepaliveInterval.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Dispatchers_are_host_and_port_with_25060_by_default()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build(
        [
            new RawSetting("dispatchers", "127.0.0.1 proxy.test:5000, [::1]:25070", "relay.ini:1"),
            new RawSetting("tls_certificate", "relay.crt", "relay.ini:2"),
            new RawSetting("tls_private_key", "relay.key", "relay.ini:3"),
            new RawSetting("tls_ca", "ca.crt", "relay.ini:4"),
            new RawSetting("keepalive_interval", "0.2", "relay.ini:5"),
        ], diagnostics);

        diagnostics.ShouldBeEmpty();
        options.Dispatchers.Select(d => $"{d.Host}/{d.Port}").ShouldBe(["127.0.0.1/25060", "proxy.test/5000", "::1/25070"]);
        options.KeepaliveInterval.ShouldBe(TimeSpan.FromMilliseconds(200));
    }

    [Theory]
    [InlineData("proxy.test:0")]
    [InlineData("proxy.test:70000")]
    [InlineData("proxy.test:http")]
    [InlineData("[::1")]
    [InlineData(":25060")]
    public void A_dispatcher_that_is_not_host_and_port_is_reported(string value)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        RelayOptionsBuilder.Build([new RawSetting("dispatchers", value, "relay.ini:7")], diagnostics);

        diagnostics.ShouldHaveSingleItem().ToString().ShouldContain("relay.ini:7");
    }

    [Fact]
    public void Dispatchers_without_the_TLS_files_are_reported()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        RelayOptionsBuilder.Build([new RawSetting("dispatchers", "127.0.0.1", "relay.ini:9")], diagnostics);

        var diagnostic = diagnostics.ShouldHaveSingleItem().ToString();
        diagnostic.ShouldContain("relay.ini:9");
        diagnostic.ShouldContain("tls_certificate");
    }

    [Theory]
    [InlineData("40000-60000", 10000)]   // MediaProxy's default range: 10,000 pairs, about 5,000 streams (spec §4.3)
    [InlineData("40000-49999", 5000)]    // the bench's range
    [InlineData("20000-20032", 16)]      // eight streams
    public void The_last_port_of_the_range_is_included(string range, int pairs)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build([new RawSetting("port_range", range, "--port-range")], diagnostics);
        diagnostics.ShouldBeEmpty();
        options.PortPairCount.ShouldBe(pairs);
        new NatEdge.MediaRelay.Ports.PortAllocator(options.PortRangeLow, options.PortRangeHigh, TimeSpan.Zero, TimeProvider.System).Capacity.ShouldBe(pairs);
    }

    [Fact]
    public void Flags_override_the_file()
    {
        var path = WriteFile("[relay]\nport_range = 30000-30100\nrelay_ip = 127.0.0.1\n");
        var diagnostics = new List<ConfigDiagnostic>();
        var settings = RelayConfigFile.Read(path, diagnostics);
        settings.Add(new RawSetting("port_range", "20000-20032", "--port-range"));
        var options = RelayOptionsBuilder.Build(settings, diagnostics);
        diagnostics.ShouldBeEmpty();
        options.PortRangeLow.ShouldBe(20000);
        options.PortRangeHigh.ShouldBe(20032);
        options.RelayIp.ShouldBe(IPAddress.Loopback);
    }

    [Fact]
    public void Every_bad_line_is_reported_with_its_place()
    {
        var path = WriteFile(
            "[relay]\n" +
            "port_range = 40001-60000\n" +      // line 2: odd
            "stream_timeout = soon\n" +         // line 3
            "relay_ip = 10.0.0\n" +             // line 4
            "colour = blue\n" +                 // line 5: unknown
            "no equals sign\n" +                // line 6
            "[dispatcher]\n");                  // line 7: unknown section
        var diagnostics = new List<ConfigDiagnostic>();
        RelayOptionsBuilder.Build(RelayConfigFile.Read(path, diagnostics), diagnostics);
        diagnostics.Select(d => d.Source).ShouldBe(
            [$"{path}:6", $"{path}:7", $"{path}:2", $"{path}:3", $"{path}:4", $"{path}:5"], ignoreOrder: true);
        diagnostics.Single(d => d.Source.EndsWith(":2", StringComparison.Ordinal)).Message.ShouldContain("even port");
        diagnostics.Single(d => d.Source.EndsWith(":5", StringComparison.Ordinal)).Message.ShouldContain("unknown setting");
    }

    [Theory]
    [InlineData("port_range", "60000-40000")]
    [InlineData("port_range", "1000-2000")]
    [InlineData("port_range", "40000-40002")]
    [InlineData("port_range", "40000-65536")]
    [InlineData("port_range", "forty")]
    [InlineData("advertised_ip", "0.0.0.0")]
    [InlineData("metrics", "127.0.0.1")]
    [InlineData("control_socket_mode", "0999")]
    [InlineData("routable_private_ranges", "10.0.0.0/40")]
    [InlineData("on_hold_timeout", "0")]
    [InlineData("weight", "0")]
    [InlineData("weight", "10001")]
    [InlineData("weight", "1.5")]
    [InlineData("forwarding_threads", "0")]
    [InlineData("forwarding_threads", "65")]
    [InlineData("forwarding_threads", "two")]
    [InlineData("dns_servers", "ns.lab.test")]
    [InlineData("dns_servers", "198.18.0.53:0")]
    [InlineData("dns_check_interval", "-1")]
    public void Bad_values_are_refused(string name, string value)
    {
        var diagnostics = new List<ConfigDiagnostic>();
        RelayOptionsBuilder.Build([new RawSetting(name, value, "--" + name)], diagnostics);
        diagnostics.Count.ShouldBe(1);
        diagnostics[0].Source.ShouldBe("--" + name);
    }

    [Fact]
    public void Forwarding_threads_default_to_one_per_core_and_take_a_whole_number()
    {
        RelayOptionsBuilder.Build([], []).ForwardingThreads.ShouldBe(Environment.ProcessorCount);
        RelayOptionsBuilder.Build([new RawSetting("forwarding_threads", "", "relay.ini:1")], []).ForwardingThreads.ShouldBe(Environment.ProcessorCount);

        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build([new RawSetting("forwarding_threads", "3", "relay.ini:1")], diagnostics);

        diagnostics.ShouldBeEmpty();
        options.ForwardingThreads.ShouldBe(3);
    }

    [Fact]
    public void Dns_and_weight_settings_default_to_mediaproxy_and_the_system_resolver()
    {
        // Spec §3.1: names re-resolved every dns_check_interval, 60 s; no name server set means the system's.
        var options = RelayOptionsBuilder.Build([], []);
        options.DnsCheckInterval.ShouldBe(TimeSpan.FromSeconds(60));
        options.DnsServers.ShouldBeEmpty();
        options.Weight.ShouldBe(1);
    }

    [Fact]
    public void Dns_servers_are_addresses_with_port_53_by_default_and_weight_a_whole_number()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build(
        [
            new RawSetting("dns_servers", "198.18.0.53, 127.0.0.1:5353 [::1]:53", "relay.ini:1"),
            new RawSetting("dns_check_interval", "1.5", "relay.ini:2"),
            new RawSetting("weight", "3", "relay.ini:3"),
        ], diagnostics);

        diagnostics.ShouldBeEmpty();
        options.DnsServers.ShouldBe([IPEndPoint.Parse("198.18.0.53:53"), IPEndPoint.Parse("127.0.0.1:5353"), IPEndPoint.Parse("[::1]:53")]);
        options.DnsCheckInterval.ShouldBe(TimeSpan.FromSeconds(1.5));
        options.Weight.ShouldBe(3);
    }

    [Fact]
    public void A_dispatcher_may_be_a_domain_whose_SRV_records_name_the_proxies()
    {
        var diagnostics = new List<ConfigDiagnostic>();
        var options = RelayOptionsBuilder.Build(
        [
            new RawSetting("dispatchers", "lab.test lab2.test:25070", "relay.ini:1"),
            new RawSetting("tls_certificate", "relay.crt", "relay.ini:2"),
            new RawSetting("tls_private_key", "relay.key", "relay.ini:3"),
            new RawSetting("tls_ca", "ca.crt", "relay.ini:4"),
        ], diagnostics);

        diagnostics.ShouldBeEmpty();
        options.Dispatchers.ShouldBe([new DnsEndPoint("lab.test", 25060), new DnsEndPoint("lab2.test", 25070)]);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NatEdge.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("NatEdge.sln not found above the test output");
    }
}
