namespace NatEdge.Proxy.Modules.NatHelper;

/// <summary>
/// The heuristics of nat_uac_test, one bit each, numbered as SER 0.9's nathelper (1-16) and
/// Kamailio 5.6's (32-512) document them. The function is true when any selected test holds.
/// </summary>
[Flags]
public enum NatUacTests
{
    None = 0,

    /// <summary>The first Contact URI's host is a private address.</summary>
    ContactPrivate = 1,

    /// <summary>The source IP differs from the top Via's sent-by host.</summary>
    ViaReceived = 2,

    /// <summary>The top Via's sent-by host is a private address.</summary>
    ViaPrivate = 4,

    /// <summary>An SDP c= address is private.</summary>
    SdpPrivate = 8,

    /// <summary>The source port differs from the top Via's port (5060 when none is written).</summary>
    ViaPort = 16,

    /// <summary>The source IP itself is private.</summary>
    SourcePrivate = 32,

    /// <summary>The message came over a WebSocket (NatEdge has no WebSocket transport, so never).</summary>
    WebSocket = 64,

    /// <summary>The first Contact URI's port (5060 when none) differs from the source port.</summary>
    ContactPort = 128,

    /// <summary>An SDP c= address differs from the source IP.</summary>
    SdpAddressDiffers = 256,

    /// <summary>
    /// Requests: the destination set (dst_uri) differs in host or port from the Request-URI.
    /// Replies: the second Via's sent-by differs from its received/rport.
    /// </summary>
    TargetDiffers = 512,

    /// <summary>Every bit Kamailio 5.6 documents.</summary>
    All = 1023,
}

/// <summary>The tests of the SER mediaproxy module's client_nat_test (route-script.md section 5).</summary>
[Flags]
public enum ClientNatTests
{
    None = 0,

    /// <summary>The first Contact URI's host is a private address.</summary>
    ContactPrivate = 1,

    /// <summary>The source differs from the top Via: the IP, and the port unless the client is SIP-asymmetric.</summary>
    SourceDiffersFromVia = 2,

    /// <summary>The top Via's sent-by host is a private address.</summary>
    ViaPrivate = 4,

    All = 7,
}
