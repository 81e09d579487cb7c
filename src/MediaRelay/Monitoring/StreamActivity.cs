using NatEdge.MediaRelay.Sessions;

namespace NatEdge.MediaRelay.Monitoring;

/// <summary>What a live stream is doing, as the metrics and the status page show it.</summary>
internal static class StreamActivity
{
    public const string Active = "active";
    public const string OnHold = "on_hold";
    public const string NoMedia = "no_media";

    public static readonly string[] All = [Active, OnHold, NoMedia];

    public static string Of(MediaStream stream)
    {
        if (stream.IsOnHold) return OnHold;
        var latched = (stream.Caller?.Rtp.HasLearned ?? false) || (stream.Callee?.Rtp.HasLearned ?? false);
        return latched ? Active : NoMedia;
    }
}
