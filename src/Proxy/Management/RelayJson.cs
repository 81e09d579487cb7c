using System.Text.Json;

namespace NatEdge.Proxy.Management;

/// <summary>
/// Reads the fields of a relay's JSON answers (spec §3, §4.6) that ctl prints, tolerating a relay
/// that leaves one out or sends another type: the field is then simply not shown.
/// </summary>
internal static class RelayJson
{
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A whole number; a fractional one (MediaProxy's relay computes its bit rate as a float) is rounded.</summary>
    public static long? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        return value.TryGetInt64(out var whole) ? whole : (long)Math.Round(value.GetDouble(), MidpointRounding.AwayFromZero);
    }

    /// <summary>The elements of the array <paramref name="name"/>, or none.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];
}
