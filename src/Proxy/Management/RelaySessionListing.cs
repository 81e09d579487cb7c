using System.Text.Json;
using NatEdge.Proxy.Modules.MediaProxy;

namespace NatEdge.Proxy.Management;

/// <summary>
/// <c>relay sessions</c>: each relay's live sessions from its <c>sessions</c> answer (spec §3,
/// statistics of §4.6): per session the call, caller and callee and how long it has lasted; per
/// stream its media type, state and codecs, and for each party the address the relay learned, the
/// relay port facing it, and the packets and bytes received from it.
/// </summary>
internal static class RelaySessionListing
{
    public static async Task<ControlAnswer> DescribeAsync(CancellationToken cancellationToken) =>
        ControlAnswer.Done(await RelayQuery.DescribeEachAsync("sessions", Describe, cancellationToken).ConfigureAwait(false));

    private static List<string> Describe(MediaRelayClient client, RelayAnswer answer) => Describe(client.Options.SocketPath, answer);

    /// <summary>The lines for one relay's answer to <c>sessions</c>, headed by its socket.</summary>
    public static List<string> Describe(string socketPath, RelayAnswer answer)
    {
        var prefix = $"relay {socketPath}: ";
        if (answer.Text is not { } json)
        {
            return [prefix + answer.DownText];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return [$"{prefix}its sessions answer is not a JSON array: '{json}'"];
            }

            var lines = new List<string> { FormattableString.Invariant($"{prefix}{document.RootElement.GetArrayLength()} session(s)") };
            foreach (var session in document.RootElement.EnumerateArray())
            {
                AddSession(lines, session);
            }

            return lines;
        }
        catch (JsonException)
        {
            return [$"{prefix}its sessions answer is not JSON: '{json}'"];
        }
    }

    private static void AddSession(List<string> lines, JsonElement session)
    {
        lines.Add(FormattableString.Invariant(
            $"  call {RelayJson.Text(session, "call_id")}: {RelayJson.Text(session, "from_uri")} -> {RelayJson.Text(session, "to_uri")}, {RelayJson.Number(session, "duration") ?? 0} s"));
        foreach (var stream in RelayJson.Items(session, "streams"))
        {
            lines.Add(
                $"    {RelayJson.Text(stream, "media_type")} {RelayJson.Text(stream, "status")}, codecs {RelayJson.Text(stream, "caller_codec")}/{RelayJson.Text(stream, "callee_codec")}: " +
                $"{Party(stream, "caller")}; {Party(stream, "callee")}");
        }
    }

    /// <summary><c>caller 127.0.0.1:40000 via 127.0.0.1:25400, 50 packets, 8600 bytes</c>.</summary>
    private static string Party(JsonElement stream, string side) => FormattableString.Invariant(
        $"{side} {RelayJson.Text(stream, side + "_remote")} via {RelayJson.Text(stream, side + "_local")}, {RelayJson.Number(stream, side + "_packets") ?? 0} packets, {RelayJson.Number(stream, side + "_bytes") ?? 0} bytes");
}
