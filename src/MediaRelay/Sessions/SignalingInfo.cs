using System.Text.Json;

namespace NatEdge.MediaRelay.Sessions;

/// <summary>The <c>signaling_ip</c> header's forms (spec §1.4); the relay keeps only the JSON form's username for statistics.</summary>
internal static class SignalingInfo
{
    public static string? Username(string? signalingIp)
    {
        if (signalingIp is null || !signalingIp.StartsWith('{')) return null;
        try
        {
            using var json = JsonDocument.Parse(signalingIp);
            return json.RootElement.ValueKind == JsonValueKind.Object
                   && json.RootElement.TryGetProperty("username", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
