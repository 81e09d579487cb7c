using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.NatHelper;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>sip_asymmetrics / rtp_asymmetrics files as the spec describes them (route-script.md section 3).</summary>
public sealed class AsymmetricClientsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"natedge-asym-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Lines_are_case_insensitive_extended_regexes_with_comments_and_blanks_ignored()
    {
        File.WriteAllText(_path, "# Cisco ATAs listen on 5060 but send from another port\n\n^Cisco ATA\nGrandstream (HT|BT)[0-9]+\n");
        var clients = new AsymmetricClients(_path, _time);

        clients.Count.ShouldBe(2);
        clients.IsMatch("cisco ata 186 v3.1.0".AsSpan()).ShouldBeTrue();
        clients.IsMatch("Grandstream HT502 1.0".AsSpan()).ShouldBeTrue();
        clients.IsMatch("SomePhone Cisco ATA".AsSpan()).ShouldBeFalse();
        clients.IsMatch("Linphone/5.0"u8).ShouldBeFalse();
    }

    [Fact]
    public void A_missing_file_is_an_empty_list()
    {
        var clients = new AsymmetricClients(_path, _time);

        clients.Count.ShouldBe(0);
        clients.IsMatch("Cisco ATA".AsSpan()).ShouldBeFalse();
    }

    [Fact]
    public void A_changed_file_is_read_again_once_the_recheck_interval_has_passed()
    {
        File.WriteAllText(_path, "^Cisco\n");
        var clients = new AsymmetricClients(_path, _time);
        clients.IsMatch("Snom 360".AsSpan()).ShouldBeFalse();

        File.WriteAllText(_path, "^Cisco\n^Snom\n");
        File.SetLastWriteTimeUtc(_path, DateTime.UtcNow.AddMinutes(1));
        _time.Advance(AsymmetricClients.RecheckInterval - TimeSpan.FromSeconds(1));
        clients.IsMatch("Snom 360".AsSpan()).ShouldBeFalse();

        _time.Advance(TimeSpan.FromSeconds(1));
        clients.IsMatch("Snom 360".AsSpan()).ShouldBeTrue();
    }

    public void Dispose() => File.Delete(_path);
}
