using System.Net;
using System.Net.Sockets;
using NatEdge.MediaRelay.Forwarding;
using NatEdge.MediaRelay.Ports;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>
/// The relay's two sockets (RTP on the even port, RTCP on the odd one) that face one party of a stream,
/// and what that party's SDP said. Owned by its <see cref="MediaStream"/>.
/// </summary>
internal sealed class StreamSide
{
    public StreamSide(PortPair pair, Socket rtp, Socket rtcp, TimeProvider time)
    {
        Pair = pair;
        Rtp = new RelayEndpoint(rtp, isRtp: true, time);
        Rtcp = new RelayEndpoint(rtcp, isRtp: false, time);
    }

    public PortPair Pair { get; }
    public RelayEndpoint Rtp { get; }
    public RelayEndpoint Rtcp { get; }

    /// <summary>The party's address and port from its SDP (the advertised endpoint); null until its SDP is seen.</summary>
    public (string Ip, int Port)? RemoteSdp { get; private set; }

    public bool OnHold { get; set; }

    /// <summary>The party's SDP offered ICE (<c>ice=yes</c>).</summary>
    public bool UsesIce { get; set; }

    /// <summary>When the party must have sent RTP by, or null when no such timer runs.</summary>
    public DateTimeOffset? NoTrafficDeadline { get; set; }

    /// <summary>RTP packets counted when the no-traffic timer was armed.</summary>
    public long PacketsAtArm { get; set; }

    public void SetRemoteSdp(string ip, int port, RoutablePolicy policy)
    {
        RemoteSdp = (ip, port);
        IPEndPoint? rtpTarget = null, rtcpTarget = null;
        if (port > 0 && IPAddress.TryParse(ip, out var address) && policy.IsRoutable(address))
        {
            rtpTarget = new IPEndPoint(address, port);
            rtcpTarget = port < 65535 ? new IPEndPoint(address, port + 1) : null;
        }
        Rtp.SetAdvertised(rtpTarget);
        Rtcp.SetAdvertised(rtcpTarget);
    }

    public void Close()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
