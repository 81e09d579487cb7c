using System.Globalization;
using System.Text.RegularExpressions;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.Shared.Control;
using Xunit.Abstractions;

namespace NatEdge.IntegrationTests.Relay;

/// <summary>The relay's status page in headless Chromium during a call: it shows the session and its counters rise.</summary>
public partial class RelayStatusPageBrowserTests
{
    private const string CallId = "browser-call-7f3a";
    private static readonly TimeSpan ScriptTime = TimeSpan.FromSeconds(3.5);
    private readonly ITestOutputHelper _output;

    public RelayStatusPageBrowserTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task The_status_page_shows_the_call_and_its_packet_counters_rise()
    {
        using var browser = new HeadlessChromium();
        const int monitorPort = 27699;
        await using var relay = await RelayProcess.StartAsync("27660-27692", "--metrics", $"127.0.0.1:{monitorPort}");
        using var control = await relay.ConnectAsync();
        using var caller = new MediaParty(0xA1);
        using var callee = new MediaParty(0xA2);
        var offer = await control.UpdateAsync(SdpMessageType.Request, CallId, 1, "ft", null, caller.Media());
        var answer = await control.UpdateAsync(SdpMessageType.Reply, CallId, 1, "ft", "tt", callee.Media());
        var page = new Uri($"http://127.0.0.1:{monitorPort}/status");

        await Task.WhenAll(caller.SendRtpAsync(answer.Ports[0], 12), callee.SendRtpAsync(offer.Ports[0], 9));
        await MediaParty.WaitForAsync(callee.Rtp, 12);
        await MediaParty.WaitForAsync(caller.Rtp, 9);
        var first = await browser.DumpDomAsync(page, ScriptTime);

        await Task.WhenAll(caller.SendRtpAsync(answer.Ports[0], 30, first: 12), callee.SendRtpAsync(offer.Ports[0], 20, first: 9));
        await MediaParty.WaitForAsync(callee.Rtp, 42);
        await MediaParty.WaitForAsync(caller.Rtp, 29);
        var second = await browser.DumpDomAsync(page, ScriptTime);

        Refreshes(first).ShouldBeGreaterThanOrEqualTo(2, "the page fetches status.json on load and again every second");
        SessionRows(first).ShouldBe(1, $"the call's row is on the page: {first}");
        PacketCells(first).ShouldBe([12, 9], "caller → callee, then callee → caller, as sent");
        PacketCells(second).ShouldBe([42, 29], "the counters rose with the traffic sent in between");
        second.ShouldContain("alice@natedge.test");
        second.ShouldContain("bob@natedge.test");
        second.ShouldContain($"127.0.0.1:{caller.Port}", customMessage: "the caller's learned address");

        var artefacts = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "natedge-test-artefacts")).FullName;
        var screenshot = Path.Combine(artefacts, "relay-status-page.png");
        File.Delete(screenshot);
        await browser.ScreenshotAsync(page, ScriptTime, screenshot, 1400, 520);
        _output.WriteLine($"status page screenshot: {screenshot}");
        Console.WriteLine($"status page screenshot: {screenshot}");
        var png = await File.ReadAllBytesAsync(screenshot);
        png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }).ShouldBeTrue("a PNG signature");
    }

    private static int Refreshes(string dom) =>
        RefreshesAttribute().Match(dom) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    private static int SessionRows(string dom) => Regex.Count(dom, $"<tr data-call-id=\"{CallId}\">");

    private static int[] PacketCells(string dom) =>
        [.. PacketsAttribute().Matches(dom).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    [GeneratedRegex("<body[^>]*data-refreshes=\"(\\d+)\"")]
    private static partial Regex RefreshesAttribute();

    [GeneratedRegex("class=\"num packets\" data-packets=\"(\\d+)\"")]
    private static partial Regex PacketsAttribute();
}
