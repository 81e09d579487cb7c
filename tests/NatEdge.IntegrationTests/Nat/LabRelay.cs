using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Relay;

namespace NatEdge.IntegrationTests.Nat;

/// <summary>
/// The media relay on its own host in the lab (the relay namespace, 198.18.0.20), serving its
/// control socket on the shared file system so the proxy in the public namespace can reach it.
/// </summary>
internal static class LabRelay
{
    /// <param name="extra">More relay flags, such as the dispatchers to dial over TLS.</param>
    public static async Task<ChildProcess> StartAsync(NatLab lab, string socket, string portRange, TempDirectory directory, params string[] extra)
    {
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", lab.Relay, "dotnet", RelayProcess.DllPath, "run", "--control-socket", socket, "--port-range", portRange,
             "--relay-ip", NatLab.RelayHost.ToString(), "--port-quarantine", "0", "--accounting-log", Path.Combine(directory.Path, "accounting.log"), .. extra],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!File.Exists(socket))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = process.Output;
                await process.DisposeAsync();
                throw new InvalidOperationException($"the relay did not open {socket}:\n{output}");
            }

            await Task.Delay(50);
        }

        return process;
    }
}
