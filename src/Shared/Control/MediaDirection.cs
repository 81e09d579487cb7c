namespace NatEdge.Shared.Control;

/// <summary>SDP stream direction (RFC 4566 §6), as carried in the <c>media</c> header.</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

public static class MediaDirections
{
    public static string ToToken(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    public static bool TryParse(ReadOnlySpan<char> token, out MediaDirection direction)
    {
        direction = MediaDirection.SendRecv;
        if (token.Equals("sendrecv", StringComparison.OrdinalIgnoreCase)) return true;
        if (token.Equals("sendonly", StringComparison.OrdinalIgnoreCase)) { direction = MediaDirection.SendOnly; return true; }
        if (token.Equals("recvonly", StringComparison.OrdinalIgnoreCase)) { direction = MediaDirection.RecvOnly; return true; }
        if (token.Equals("inactive", StringComparison.OrdinalIgnoreCase)) { direction = MediaDirection.Inactive; return true; }
        return false;
    }
}
