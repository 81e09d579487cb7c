using System.Text.Json;
using NatEdge.Proxy.Modules.MediaProxy.Remote;

namespace NatEdge.Proxy.Tests.Modules.MediaProxy.Remote;

/// <summary>Which expired reports end a dialog (mediaproxy-protocol.md section 2): started, and not every stream an unselected ICE candidate.</summary>
public sealed class RelaySessionExpiryTests
{
    [Theory]
    [InlineData("""{"call_id":"c","from_tag":"f","to_tag":"t","start_time":1764000000.5,"streams":[{"status":"no-traffic timeout"}]}""", true)]
    [InlineData("""{"call_id":"c","from_tag":"f","start_time":null,"streams":[{"status":"no-traffic timeout"}]}""", false)]
    [InlineData("""{"call_id":"c","from_tag":"f","start_time":1764000000.5,"streams":[{"status":"unselected ICE candidate"}]}""", false)]
    [InlineData("""{"call_id":"c","from_tag":"f","start_time":1764000000.5,"streams":[{"status":"unselected ICE candidate"},{"status":"conntrack timeout"}]}""", true)]
    public void Only_a_started_session_that_is_not_all_ICE_timed_out(string json, bool timedOut)
    {
        using var document = JsonDocument.Parse(json);

        var expiry = RelaySessionExpiry.From("CN=relay-a", document.RootElement).ShouldNotBeNull();

        expiry.TimedOut.ShouldBe(timedOut);
        expiry.CallId.ShouldBe("c");
        expiry.FromTag.ShouldBe("f");
    }

    [Fact]
    public void A_report_without_a_call_id_names_no_session()
    {
        using var document = JsonDocument.Parse("""{"from_tag":"f","streams":[]}""");

        RelaySessionExpiry.From("CN=relay-a", document.RootElement).ShouldBeNull();
    }
}
