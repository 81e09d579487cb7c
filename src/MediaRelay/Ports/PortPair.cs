namespace NatEdge.MediaRelay.Ports;

/// <summary>An even RTP port and the odd RTCP port after it.</summary>
public readonly record struct PortPair(int Rtp)
{
    public int Rtcp => Rtp + 1;

    public override string ToString() => $"{Rtp}/{Rtcp}";
}
