using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NatEdge.MediaRelay.Configuration;

/// <summary>
/// Turns raw settings (file first, then command-line flags, later ones winning) into validated
/// <see cref="RelayOptions"/>. Every problem is reported, each naming its source and a fix.
/// </summary>
public static class RelayOptionsBuilder
{
    /// <summary>Setting names, as written in the file; the flags use the same names with dashes.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "relay_ip", "advertised_ip", "port_range", "stream_timeout", "inactivity_timeout", "on_hold_timeout",
        "port_quarantine", "control_socket", "control_socket_mode", "accounting_log", "metrics", "routable_private_ranges",
        "dispatchers", "tls_certificate", "tls_private_key", "tls_ca", "reconnect_delay", "first_reconnect_delay", "keepalive_interval",
        "dns_check_interval", "dns_servers", "weight", "forwarding_threads",
    ];

    public static RelayOptions Build(IEnumerable<RawSetting> settings, List<ConfigDiagnostic> diagnostics)
    {
        var options = new RelayOptions();
        foreach (var setting in settings)
        {
            var error = Apply(ref options, setting);
            if (error is not null) diagnostics.Add(new ConfigDiagnostic(setting.Source, $"{setting.Name}: {error}"));
        }
        if (options.Dispatchers.Count > 0 && (options.TlsCertificate is null || options.TlsPrivateKey is null || options.TlsCa is null))
        {
            var source = settings.LastOrDefault(s => s.Name == "dispatchers")?.Source ?? "dispatchers";
            diagnostics.Add(new ConfigDiagnostic(source, "dispatchers: the relay dials dispatchers over mutual TLS; set tls_certificate, tls_private_key and tls_ca (see 'natedge-proxy ctl cert')"));
        }
        return options;
    }

    private static string? Apply(ref RelayOptions options, RawSetting setting)
    {
        var value = setting.Value;
        switch (setting.Name)
        {
            case "relay_ip":
                if (!TryIPv4(value, out var relayIp)) return $"'{value}' is not an IPv4 address (use 0.0.0.0 for every interface)";
                options = options with { RelayIp = relayIp };
                return null;
            case "advertised_ip":
                if (value.Length == 0) { options = options with { AdvertisedIp = null }; return null; }
                if (!TryIPv4(value, out var advertised) || advertised.Equals(IPAddress.Any))
                    return $"'{value}' is not a unicast IPv4 address (the address phones send media to)";
                options = options with { AdvertisedIp = advertised };
                return null;
            case "port_range":
                return ApplyPortRange(ref options, value);
            case "stream_timeout":
                return Seconds(value, out var streamTimeout) ?? Set(ref options, options with { StreamTimeout = streamTimeout });
            case "inactivity_timeout":
                return Seconds(value, out var inactivity) ?? Set(ref options, options with { InactivityTimeout = inactivity });
            case "on_hold_timeout":
                return Seconds(value, out var hold) ?? Set(ref options, options with { OnHoldTimeout = hold });
            case "port_quarantine":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var q) || q < 0 || q > 3600)
                    return $"'{value}' is not a number of seconds between 0 and 3600";
                options = options with { PortQuarantine = TimeSpan.FromSeconds(q) };
                return null;
            case "control_socket":
                if (value.Length == 0) return "the control socket path is empty";
                if (value.Length > 107) return "a Unix socket path has at most 107 bytes";
                options = options with { ControlSocket = value };
                return null;
            case "control_socket_mode":
                try
                {
                    var mode = Convert.ToInt32(value, 8);
                    if (mode is < 0 or > 0x1FF) return $"'{value}' is not an octal file mode such as 0660";
                    options = options with { ControlSocketMode = (UnixFileMode)mode };
                    return null;
                }
                catch (FormatException)
                {
                    return $"'{value}' is not an octal file mode such as 0660";
                }
            case "accounting_log":
                options = options with { AccountingLog = value.Length == 0 ? null : value };
                return null;
            case "metrics":
                if (value.Length == 0) { options = options with { Metrics = null }; return null; }
                if (!IPEndPoint.TryParse(value, out var metrics) || metrics.Port == 0) return $"'{value}' is not IP:PORT";
                options = options with { Metrics = metrics };
                return null;
            case "routable_private_ranges":
                var ranges = new List<IpRange>();
                foreach (var item in value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (!IpRange.TryParse(item, out var range)) return $"'{item}' is not an IPv4 prefix such as 10.0.0.0/8";
                    ranges.Add(range);
                }
                options = options with { RoutablePrivateRanges = ranges };
                return null;
            case "dispatchers":
                return ApplyDispatchers(ref options, value);
            case "tls_certificate":
                options = options with { TlsCertificate = value.Length == 0 ? null : value };
                return null;
            case "tls_private_key":
                options = options with { TlsPrivateKey = value.Length == 0 ? null : value };
                return null;
            case "tls_ca":
                options = options with { TlsCa = value.Length == 0 ? null : value };
                return null;
            case "reconnect_delay":
                return Seconds(value, out var reconnect) ?? Set(ref options, options with { ReconnectDelay = reconnect });
            case "first_reconnect_delay":
                return Seconds(value, out var firstReconnect) ?? Set(ref options, options with { FirstReconnectDelay = firstReconnect });
            case "keepalive_interval":
                return Seconds(value, out var keepalive) ?? Set(ref options, options with { KeepaliveInterval = keepalive });
            case "dns_check_interval":
                return Seconds(value, out var dnsCheck) ?? Set(ref options, options with { DnsCheckInterval = dnsCheck });
            case "dns_servers":
                return ApplyDnsServers(ref options, value);
            case "weight":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight is < 1 or > RelayOptions.MaxWeight)
                    return $"'{value}' is not a whole number from 1 to {RelayOptions.MaxWeight} (the relay's share of new sessions)";
                options = options with { Weight = weight };
                return null;
            case "forwarding_threads":
                if (value.Length == 0) { options = options with { ForwardingThreads = Environment.ProcessorCount }; return null; }
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var threads) || threads is < 1 or > RelayOptions.MaxForwardingThreads)
                    return $"'{value}' is not a whole number from 1 to {RelayOptions.MaxForwardingThreads} (threads that receive and forward media; one per core is usual)";
                options = options with { ForwardingThreads = threads };
                return null;
            default:
                return $"unknown setting; known ones are {string.Join(", ", Names)}";
        }
    }

    private static string? Set(ref RelayOptions options, RelayOptions updated)
    {
        options = updated;
        return null;
    }

    private static string? ApplyPortRange(ref RelayOptions options, string value)
    {
        var separator = value.IndexOfAny(['-', ':']);
        if (separator <= 0
            || !int.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var low)
            || !int.TryParse(value.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var high))
            return $"'{value}' is not LOW-HIGH (for example 40000-60000)";
        // RTP takes the even port and RTCP the odd one after it (spec §4.3); the last port is included, so
        // 40000-60000 holds MediaProxy's 10,000 pairs and 40000-49999 holds 5,000.
        if (low % 2 != 0) return $"'{value}': start on an even port (RTP on even ports, RTCP on the odd one after)";
        if (low < 1024 || high > 65535) return $"'{value}' must lie within 1024-65535";
        if ((high + 1 - low) / 2 < 2) return $"'{value}' holds less than one stream (a stream needs two pairs, four ports)";
        options = options with { PortRangeLow = low, PortRangeHigh = high };
        return null;
    }

    private static string? ApplyDispatchers(ref RelayOptions options, string value)
    {
        var dispatchers = new List<DnsEndPoint>();
        foreach (var item in value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryHostAndPort(item, out var dispatcher)) return $"'{item}' is not host[:port] (port 1-65535, default {RelayOptions.DefaultDispatcherPort}; IPv6 as [addr]:port)";
            dispatchers.Add(dispatcher);
        }
        options = options with { Dispatchers = dispatchers };
        return null;
    }

    private static string? ApplyDnsServers(ref RelayOptions options, string value)
    {
        var servers = new List<IPEndPoint>();
        foreach (var item in value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryHostAndPort(item, out var server, DnsDefaultPort) || !IPAddress.TryParse(server.Host, out var address))
                return $"'{item}' is not IP[:port] (port default {DnsDefaultPort}; IPv6 as [addr]:port)";
            servers.Add(new IPEndPoint(address, server.Port));
        }
        options = options with { DnsServers = servers };
        return null;
    }

    private const int DnsDefaultPort = 53;

    private static bool TryHostAndPort(string text, out DnsEndPoint endPoint, int defaultPort = RelayOptions.DefaultDispatcherPort)
    {
        endPoint = null!;
        string host;
        var port = defaultPort;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0) return false;
            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0 && (rest[0] != ':' || !TryPort(rest[1..], out port))) return false;
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            if (colon >= 0 && !TryPort(text[(colon + 1)..], out port)) return false;
        }
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown) return false;
        endPoint = new DnsEndPoint(host, port);
        return true;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static string? Seconds(string value, out TimeSpan span)
    {
        span = default;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 864000)
            return $"'{value}' is not a positive number of seconds (at most 864000)";
        span = TimeSpan.FromSeconds(seconds);
        return null;
    }

    private static bool TryIPv4(string text, out IPAddress address) =>
        IPAddress.TryParse(text, out address!) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3;

    /// <summary>The address replies carry: advertised, else the bound one, else the default-route interface's.</summary>
    public static IPAddress EffectiveAdvertisedIp(RelayOptions options)
    {
        if (options.AdvertisedIp is not null) return options.AdvertisedIp;
        if (!options.RelayIp.Equals(IPAddress.Any)) return options.RelayIp;
        return DefaultRouteAddress() ?? IPAddress.Loopback;
    }

    private static IPAddress? DefaultRouteAddress()
    {
        // Connecting a UDP socket sends nothing; it only asks the kernel which source address the default route uses.
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(new IPEndPoint(IPAddress.Parse("198.51.100.1"), 9));
            return (probe.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
