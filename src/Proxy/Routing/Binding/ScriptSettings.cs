using System.Net;
using NatEdge.Proxy.Routing.Compilation;

namespace NatEdge.Proxy.Routing.Binding;

/// <summary>One <c>listen=[proto:]addr[:port]</c>; a null protocol means every transport.</summary>
public sealed record ListenAddress(TransportProtocol? Protocol, string Host, IPAddress? Address, int? Port)
{
    public override string ToString()
    {
        var host = Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : Host;
        var proto = Protocol is null ? string.Empty : $"{Protocol.Value.ToString().ToLowerInvariant()}:";
        return Port is null ? $"{proto}{host}" : $"{proto}{host}:{Port}";
    }
}

/// <summary>An <c>alias=host[:port]</c>: another name that counts as myself.</summary>
public sealed record HostAlias(string Host, int? Port);

/// <summary>
/// The script's global parameters after validation (route-script.md section 2), with SER's defaults.
/// </summary>
public sealed class ScriptSettings
{
    /// <summary>SER's default SIP port, used by listen lines without one unless port= says otherwise.</summary>
    public const int DefaultSipPort = 5060;

    public int Debug { get; internal set; } = 3;

    public bool Fork { get; internal set; } = true;

    public bool LogToStandardError { get; internal set; }

    /// <summary>Value of port=; applies to every listen written without a port (an alias without one matches any port).</summary>
    public int Port { get; internal set; } = DefaultSipPort;

    /// <summary>Worker count per socket (SER default 8).</summary>
    public int Children { get; internal set; } = 8;

    public bool Dns { get; internal set; }

    public bool ReverseDns { get; internal set; }

    public string? Fifo { get; internal set; }

    public string? FifoDbUrl { get; internal set; }

    public List<ListenAddress> Listen { get; } = [];

    public List<HostAlias> Aliases { get; } = [];

    /// <summary>Parameters accepted for compatibility that NatEdge does not act on, for the start-up log.</summary>
    public List<string> Ignored { get; } = [];

    /// <summary>The effective port of a listen line or alias.</summary>
    public int PortOf(int? explicitPort) => explicitPort ?? Port;
}
