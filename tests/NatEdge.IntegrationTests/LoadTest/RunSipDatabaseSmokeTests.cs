using System.Globalization;
using NatEdge.IntegrationTests.Infrastructure;

namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// loadtest/run-sip.sh's database mode at a low rate: the runner starts its own MariaDB, fills it with
/// the shared bench's schema and subscribers (the database Kamailio is measured on), and the stage 2
/// proxy authenticates against it with every registration written through (usrloc db_mode 1), so the
/// path of the side-by-side comparison on one database fails the suite when it stops working.
/// </summary>
[Collection(LoadRunsCollection.Name)]
public sealed class RunSipDatabaseSmokeTests
{
    private const int Users = 50;

    [Fact]
    public async Task Registrations_with_digest_auth_on_mariadb_are_challenged_and_written_through()
    {
        NetworkIsolation.Require();
        using var output = new TempDirectory("natedge-loadtest-");
        const int rate = 20;
        const int seconds = 3;

        var run = await RunSip.RunAsync(
            "regauth",
            rate,
            seconds,
            output.Path,
            ["--db", "mariadb", "--usrloc-db-mode", "1", "--users", Users.ToString(CultureInfo.InvariantCulture)]);

        var results = RunSip.ReadResults(output.Path);
        results.Count.ShouldBe(1, $"one run, one line\n{run}");
        var line = results[0];
        line["db"].ShouldBe("mariadb");
        line["usrloc_db_mode"].ShouldBe("1");
        line["successful"].ShouldBe((rate * seconds).ToString(CultureInfo.InvariantCulture), run.Output);
        line["challenges"].ShouldBe(line["successful"], "RFC 3261 22.4: every first REGISTER is challenged with 401");
        line["location_rows"].ShouldBe(Users.ToString(CultureInfo.InvariantCulture), "db_mode 1 writes each account's binding to the location table, one contact per account");
        double.Parse(line["db_cpu_s"], CultureInfo.InvariantCulture).ShouldBeGreaterThan(0, "MariaDB served the credentials and the writes");
        line["verdict"].ShouldBe("pass", run.Output);
        run.ExitCode.ShouldBe(0, run.Output);
    }
}
