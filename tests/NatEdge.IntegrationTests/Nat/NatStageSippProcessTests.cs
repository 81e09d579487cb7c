using System.Globalization;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;
using NatEdge.IntegrationTests.Registrar;

namespace NatEdge.IntegrationTests.Nat;

/// <summary>
/// Issue 6 with SIPp phones: the guide's NAT stage (config/stage3-nat.cfg) in the lab's public
/// namespace, on an SQLite store, its relay on the relay host. Two SIPp phones in the home
/// namespaces, private addresses in Via, Contact and SDP, register with digest authentication
/// (each REGISTER challenged), then one calls the other with proxy authentication (each INVITE
/// challenged, the hold re-INVITE too); ACK and re-INVITE cross the callee's NAT, and the
/// callee's BYE crosses the caller's.
/// </summary>
public sealed class NatStageSippProcessTests : IClassFixture<NatLab>
{
    private const string Domain = "198.18.0.1";
    private static readonly TimeSpan SippLimit = TimeSpan.FromSeconds(30);

    private readonly NatLab _lab;

    public NatStageSippProcessTests(NatLab lab) => _lab = lab;

    [Fact]
    public async Task Phones_behind_two_nats_register_with_auth_and_call_each_other_through_the_guides_nat_stage()
    {
        using var directory = new TempDirectory("natedge-nat-stage-");
        var dbUrl = "sqlite:" + Path.Combine(directory.Path, "natedge.db");
        (await ProxyCtl.RunAsync("--db-url", dbUrl, "db", "init")).ExitCode.ShouldBe(0);
        foreach (var user in new[] { "1000", "1001" })
        {
            (await ProxyCtl.RunAsync("--db-url", dbUrl, "user", "add", $"{user}@{Domain}", "secret" + user)).ExitCode.ShouldBe(0);
        }

        var relaySocket = Path.Combine(directory.Path, "relay.sock");
        await using var relay = await LabRelay.StartAsync(_lab, relaySocket, "25700-25731", directory);
        await using var proxy = await NatProxy.StartAsync(_lab, StageThree(dbUrl, relaySocket));
        var callerPort = FreePorts.UdpAndTcp();
        var calleePort = FreePorts.UdpAndTcp();

        var calleeRegistered = await RunSippAsync(2, calleePort, "register_auth_uac.xml", ["-s", "1001", "-au", "1001", "-ap", "secret1001"]);
        calleeRegistered.ExitCode.ShouldBe(0, $"{calleeRegistered}\nproxy:\n{proxy.Process.Output}");
        var callerRegistered = await RunSippAsync(1, callerPort, "register_auth_uac.xml", ["-s", "1000", "-au", "1000", "-ap", "secret1000"]);
        callerRegistered.ExitCode.ShouldBe(0, callerRegistered.ToString());

        // The callee answers from the port it registered from, so the INVITE comes in through the mapping its REGISTER opened.
        var answering = RunSippAsync(2, calleePort, "nat_call_uas.xml", ["-s", "1001"], server: true);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var calling = await RunSippAsync(1, callerPort, "nat_call_auth_uac.xml", ["-s", "1001", "-au", "1000", "-ap", "secret1000"]);
        var answered = await answering;

        calling.ExitCode.ShouldBe(0, $"caller: {calling}\ncallee: {answered}\nproxy:\n{proxy.Process.Output}");
        answered.ExitCode.ShouldBe(0, $"callee: {answered}\nproxy:\n{proxy.Process.Output}");

        // use_media_proxy() ran for the INVITE and, through the ;nat=yes Route, for the hold re-INVITE:
        // both reached the callee offering the relay host, never the caller's private address.
        var invites = ReceivedInvites(answered.Messages);
        invites.Count.ShouldBe(2, answered.Messages);
        invites.ShouldAllBe(invite => invite.Contains($"c=IN IP4 {NatLab.RelayHost}\n", StringComparison.Ordinal) && !invite.Contains("c=IN IP4 192.168.", StringComparison.Ordinal));
        invites[1].ShouldContain(";nat=yes", customMessage: "the re-INVITE came back along the Record-Route the NATed caller's INVITE got");
    }

    /// <summary>
    /// The INVITE requests a SIPp phone received, from its -trace_msg log: each entry is a dashed
    /// separator line, "UDP message received [N] bytes :", an empty line and the message, returned
    /// with its lines ending in a line feed.
    /// </summary>
    private static List<string> ReceivedInvites(string log) =>
        [.. log.Split("\n-----", StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.IndexOf("message received [", StringComparison.Ordinal) is var at and >= 0 ? entry[at..] : string.Empty)
            .Select(entry => entry.Length == 0 ? entry : entry[(entry.IndexOf("bytes :", StringComparison.Ordinal) + "bytes :".Length)..].TrimStart())
            .Where(message => message.StartsWith("INVITE ", StringComparison.Ordinal))
            .Select(message => message.ReplaceLineEndings("\n"))];

    /// <summary>
    /// The shipped NAT stage with only what its comments ask to edit: the listen address and the
    /// Record-Route preset (the proxy's address in the lab), the database and the relay socket.
    /// </summary>
    private static string StageThree(string dbUrl, string relaySocket)
    {
        var config = RegistrarProxy.Config("stage3-nat.cfg");
        foreach (var (from, to) in new[]
                 {
                     ("mysql://natedge:secret@localhost/natedge", dbUrl),
                     ("listen=127.0.0.1", $"listen={Domain}"),
                     ("record_route_preset(\"127.0.0.1:5060;nat=yes\")", $"record_route_preset(\"{Domain}:5060;nat=yes\")"),
                     ("/run/natedge/relay.sock", relaySocket),
                 })
        {
            config.ShouldContain(from);
            config = config.Replace(from, to, StringComparison.Ordinal);
        }

        return config;
    }

    /// <summary>Runs a SIPp phone in home <paramref name="home"/> on its private address for one call.</summary>
    private async Task<PhoneRun> RunSippAsync(int home, int port, string scenario, string[] extra, bool server = false)
    {
        using var directory = new TempDirectory("natedge-sipp-nat-");
        string[] target = server ? [] : [$"{Domain}:5060"];
        await using var sipp = ChildProcess.Start(
            "ip",
            [
                "netns", "exec", _lab.Home(home), Sipp.Executable, .. target,
                "-sf", Sipp.Scenario(scenario),
                "-i", NatLab.Phone(home).ToString(),
                "-p", port.ToString(CultureInfo.InvariantCulture),
                "-m", "1", "-t", "u1",
                "-timeout", ((int)SippLimit.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s", "-timeout_error",
                "-recv_timeout", "10000",
                "-nostdin",
                "-trace_err", "-error_file", Path.Combine(directory.Path, "errors.log"),
                "-trace_msg", "-message_file", Path.Combine(directory.Path, "messages.log"),
                .. extra,
            ],
            directory.Path);
        var exitCode = await sipp.WaitForExitAsync(SippLimit + TimeSpan.FromSeconds(10));
        return new PhoneRun(exitCode, sipp.Output, await ReadAsync(directory, "errors.log"), await ReadAsync(directory, "messages.log"));
    }

    private static async Task<string> ReadAsync(TempDirectory directory, string name)
    {
        var path = Path.Combine(directory.Path, name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : string.Empty;
    }

    /// <summary>A SIPp phone's exit code (0: its call passed every check), output, error log and message log.</summary>
    private sealed record PhoneRun(int ExitCode, string Output, string Errors, string Messages)
    {
        public override string ToString() => $"sipp exited {ExitCode}\n{Output}\n{Errors}";
    }
}
