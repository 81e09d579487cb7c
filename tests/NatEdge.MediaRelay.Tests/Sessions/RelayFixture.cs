using Microsoft.Extensions.Time.Testing;
using NatEdge.MediaRelay.Accounting;
using NatEdge.MediaRelay.Configuration;
using NatEdge.MediaRelay.Sessions;
using NatEdge.Shared.Control;
using NatEdge.Shared.Timing;

namespace NatEdge.MediaRelay.Tests.Sessions;

/// <summary>A session table on a fake clock, with real sockets on 127.0.0.1 in a port range of its own.</summary>
internal sealed class RelayFixture : IDisposable
{
    public RelayFixture(int low, int high, Func<RelayOptions, RelayOptions>? configure = null)
    {
        Time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        AccountingPath = Path.Combine(Path.GetTempPath(), $"relay-accounting-{Guid.NewGuid():N}.log");
        var options = new RelayOptions
        {
            RelayIp = System.Net.IPAddress.Loopback,
            PortRangeLow = low,
            PortRangeHigh = high,
            PortQuarantine = TimeSpan.Zero,
            AccountingLog = AccountingPath,
        };
        Options = configure?.Invoke(options) ?? options;
        Wheel = new TimerWheel(Time, TimeSpan.FromMilliseconds(100));
        Context = new RelayContext(Options, Time, Wheel);
        Accounting = new AccountingLog(Options.AccountingLog);
        Table = new SessionTable(Context, Accounting);
    }

    public FakeTimeProvider Time { get; }
    public RelayOptions Options { get; }
    public TimerWheel Wheel { get; }
    public RelayContext Context { get; }
    public AccountingLog Accounting { get; }
    public SessionTable Table { get; }
    public string AccountingPath { get; }

    public ControlReply Update(SdpMessageType type, long cseq, string fromTag, string? toTag, string? media, string callId = "call-1")
    {
        var reply = Table.Update(Request.Update(type, cseq, fromTag, toTag, media, callId), out _);
        return reply;
    }

    public string[] AccountingLines()
    {
        using var stream = new FileStream(AccountingPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        Table.Dispose();
        Wheel.Dispose();
        Context.Dispose();
        Accounting.Dispose();
        File.Delete(AccountingPath);
    }
}

internal static class Request
{
    public static ControlRequest Update(SdpMessageType type, long cseq, string fromTag, string? toTag, string? media, string callId = "call-1")
    {
        List<MediaStreamDescription>? streams = null;
        if (media is not null) MediaHeaderCodec.TryParse(media, out streams).ShouldBeTrue();
        return new ControlRequest
        {
            Command = ControlCommand.Update,
            Type = type,
            CallId = callId,
            CSeq = cseq,
            FromUri = "alice@natedge.test",
            ToUri = "bob@natedge.test",
            FromTag = fromTag,
            ToTag = toTag,
            UserAgent = type == SdpMessageType.Request ? "CallerPhone" : "CalleePhone",
            SignalingIp = "127.0.0.1",
            Media = streams,
        };
    }

    public static ControlRequest Remove(string fromTag, string? toTag, string callId = "call-1") => new()
    {
        Command = ControlCommand.Remove,
        CallId = callId,
        FromTag = fromTag,
        ToTag = toTag,
    };
}
