using System.Diagnostics;
using System.Globalization;
using System.Text;
using MySqlConnector;
using NatEdge.IntegrationTests.Database;
using NatEdge.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace NatEdge.IntegrationTests.Registrar;

/// <summary>
/// Issue 5's outage drill: SIPp registers with digest auth at a steady rate against stage 2 with
/// usrloc write-through (db_mode 1, so every REGISTER reads the subscriber and writes its binding)
/// while MariaDB is stopped for 10 s and started again. Every REGISTER must get an answer (500
/// during the outage, never silence past the SIP timers), registrations must succeed again within
/// 5 s of the database's return, and the location table must hold exactly one sound row per user.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbOutageLoadProcessTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private const int Users = 20;
    private const int RatePerSecond = 40;
    private const int LoadSeconds = 32;
    private static readonly TimeSpan OutageStartsAfter = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Registrations_under_load_get_500_through_a_10_s_outage_and_200_within_5_s_of_the_return()
    {
        var url = await fixture.Server.CreateDatabaseAsync();
        await RegistrarProxy.PrepareDatabaseAsync(url);
        await AddLoadUsersAsync(url);
        await using var proxy = await RegistrarProxy.StartAsync(RegistrarProxy.StageTwo(url, dbMode: 1));
        using var directory = new TempDirectory("natedge-outage-");
        await using var sipp = StartRegistering(proxy, directory);

        await Task.Delay(OutageStartsAfter);
        var stoppedAt = DateTimeOffset.UtcNow;
        await fixture.Server.StopAsync();
        try
        {
            await Task.Delay(Outage - (DateTimeOffset.UtcNow - stoppedAt));
        }
        finally
        {
            await fixture.Server.StartAsync();
        }

        var backAt = DateTimeOffset.UtcNow;
        var exitCode = await sipp.WaitForExitAsync(TimeSpan.FromSeconds(LoadSeconds + 30));
        var periods = SippPeriod.Read(Path.Combine(directory.Path, "stat.csv"));
        var errors = ReadIfPresent(Path.Combine(directory.Path, "errors.log"));
        var report = Report(periods, stoppedAt, backAt);
        output.WriteLine(report);
        output.WriteLine($"sipp exit {exitCode}");

        var total = periods[^1];
        total.Count("SuccessfulCall(C)").ShouldBeGreaterThan(0, report);
        total.Count("FailedCall(C)").ShouldBeGreaterThan(0, "the outage must be felt, or the test shows nothing\n" + report);
        total.Count("FailedCall(C)").ShouldBe(total.Count("FailedUnexpectedMessage(C)"), "every failed REGISTER was answered; none timed out\n" + report + sipp.Output);
        // SIPp logs the answer that failed a call with "Aborting call"; late copies for calls it has
        // already given up on are logged as "Dead call" and are not failures.
        AbortedOn(errors, "SIP/2.0 500 ").ShouldBe(total.Count("FailedCall(C)"), "each failure is a 500\n" + errors);

        var settled = backAt + RecoveryBound;
        periods.Where(p => p.Time > settled + TimeSpan.FromSeconds(1)).ShouldAllBe(p => p.Count("FailedCall(P)") == 0, report);
        periods.Where(p => p.Time > settled + TimeSpan.FromSeconds(1)).Sum(p => p.Count("SuccessfulCall(P)")).ShouldBeGreaterThan(0, report);
        periods.Where(p => p.Time > stoppedAt + TimeSpan.FromSeconds(2) && p.Time < backAt).ShouldAllBe(p => p.Count("SuccessfulCall(P)") == 0, "a registration cannot be saved while the database is down\n" + report);

        // Answered as fast as they come: a proxy that waited out its database retries for every
        // REGISTER would fall behind here and answer in a burst when the database returned.
        var outage = periods.Where(p => p.Time > stoppedAt + TimeSpan.FromSeconds(3) && p.Time < backAt - TimeSpan.FromSeconds(1)).ToList();
        outage.ShouldNotBeEmpty();
        outage.ShouldAllBe(p => p.Count("FailedCall(P)") >= RatePerSecond * 3 / 4, "the proxy fell behind during the outage\n" + report);

        await ShouldHoldOneSoundRowPerUserAsync(url);
    }

    private static ChildProcess StartRegistering(ProxyProcess proxy, TempDirectory directory)
    {
        var users = new StringBuilder("SEQUENTIAL\n");
        for (var i = 0; i < Users; i++)
        {
            users.Append(CultureInfo.InvariantCulture, $"{User(i)};[authentication username={User(i)} password={Password(i)}]\n");
        }

        directory.File("users.csv", users.ToString());
        return ChildProcess.Start(
            Sipp.Executable,
            [
                $"127.0.0.1:{proxy.Port.ToString(CultureInfo.InvariantCulture)}",
                "-sf", Sipp.Scenario("register_auth_users_uac.xml"),
                "-inf", Path.Combine(directory.Path, "users.csv"),
                "-r", RatePerSecond.ToString(CultureInfo.InvariantCulture),
                "-m", (RatePerSecond * LoadSeconds).ToString(CultureInfo.InvariantCulture),
                "-t", "u1", "-i", "127.0.0.1", "-p", FreePorts.UdpAndTcp().ToString(CultureInfo.InvariantCulture),
                "-trace_stat", "-stf", "stat.csv", "-fd", "1",
                "-trace_err", "-error_file", "errors.log",
                "-timeout", (LoadSeconds + 20).ToString(CultureInfo.InvariantCulture) + "s", "-timeout_error", "-nostdin",
            ],
            directory.Path);
    }

    private static string User(int i) => "load" + i.ToString("D3", CultureInfo.InvariantCulture);

    private static string Password(int i) => "pw-" + i.ToString(CultureInfo.InvariantCulture);

    private async Task AddLoadUsersAsync(string url)
    {
        var database = DatabaseName(url);
        var statements = Enumerable.Range(0, Users)
            .Select(i => $"INSERT INTO `{database}`.subscriber (username, domain, password) VALUES ('{User(i)}', '{RegistrarProxy.Domain}', '{Password(i)}')")
            .ToArray();
        await fixture.Server.AdminAsync(statements);
    }

    private async Task ShouldHoldOneSoundRowPerUserAsync(string url)
    {
        var database = DatabaseName(url);
        await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder
        {
            Server = fixture.Server.SocketPath,
            ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
            UserID = "root",
            Database = database,
            Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();

        await using (var check = new MySqlCommand("CHECK TABLE location", connection))
        await using (var reader = await check.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reader.GetString(reader.GetOrdinal("Msg_text")).ShouldBe("OK");
            }
        }

        var rows = new List<(string User, string Contact, DateTime Expires)>();
        await using (var select = new MySqlCommand("SELECT username, contact, expires FROM location ORDER BY username", connection))
        await using (var reader = await select.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)));
            }
        }

        rows.Select(r => r.User).ShouldBe(Enumerable.Range(0, Users).Select(User), "one binding per registered user, no duplicate or lost row");
        rows.ShouldAllBe(r => r.Contact.StartsWith("sip:" + r.User + "@127.0.0.1:", StringComparison.Ordinal));
    }

    private static string DatabaseName(string url) => url[(url.LastIndexOf('/') + 1)..];

    private static string ReadIfPresent(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;

    private static int AbortedOn(string errors, string statusLine) =>
        errors.Split('\n').Count(line => line.Contains("Aborting call on unexpected message", StringComparison.Ordinal) &&
                                          line.Contains("received '" + statusLine, StringComparison.Ordinal));

    private static string Report(IReadOnlyList<SippPeriod> periods, DateTimeOffset stoppedAt, DateTimeOffset backAt)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"database stopped at {stoppedAt:HH:mm:ss.fff}, back at {backAt:HH:mm:ss.fff}\n");
        text.AppendLine("second  registered  failed(500)");
        foreach (var period in periods)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(period.Time - stoppedAt).TotalSeconds,6:F1}  {period.Count("SuccessfulCall(P)"),10}  {period.Count("FailedCall(P)"),11}\n");
        }

        var firstBack = periods.FirstOrDefault(p => p.Time > backAt && p.Count("SuccessfulCall(P)") > 0);
        text.Append(CultureInfo.InvariantCulture, $"first registrations after the return in the period ending {(firstBack is null ? "never" : $"{(firstBack.Time - backAt).TotalSeconds:F1} s")} after it\n");
        return text.ToString();
    }

    /// <summary>One line of SIPp's -trace_stat file: its time and its counters by column name.</summary>
    private sealed record SippPeriod(DateTimeOffset Time, IReadOnlyDictionary<string, string> Values)
    {
        public int Count(string column) => int.Parse(Values[column], CultureInfo.InvariantCulture);

        public static List<SippPeriod> Read(string path)
        {
            File.Exists(path).ShouldBeTrue($"SIPp wrote no statistics file {path}");
            var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToArray();
            var names = lines[0].Split(';');
            var periods = new List<SippPeriod>();
            foreach (var line in lines.Skip(1))
            {
                var fields = line.Split(';');
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                for (var i = 0; i < names.Length && i < fields.Length; i++)
                {
                    values[names[i]] = fields[i];
                }

                periods.Add(new SippPeriod(CurrentTime(values["CurrentTime"]), values));
            }

            periods.Count.ShouldBeGreaterThan(1, "SIPp wrote no periodic statistics");
            return periods;
        }

        /// <summary>SIPp writes "date&lt;TAB&gt;time&lt;TAB&gt;epoch.microseconds"; the epoch is the part to trust.</summary>
        private static DateTimeOffset CurrentTime(string field)
        {
            var epoch = field.Split('\t')[^1];
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(double.Parse(epoch, CultureInfo.InvariantCulture) * 1000));
        }
    }
}
