using System.Net;
using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Modules.NatHelper;
using NatEdge.Proxy.Modules.Registrar;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Shared.Timing;

namespace NatEdge.Proxy.Tests.Modules.NatHelper;

/// <summary>The keepalive pinger on a fake clock: interval, spread, which bindings, from which socket.</summary>
public sealed class NatPingerTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingSender _sender;
    private readonly TimerWheel _wheel;
    private readonly MemoryLocationStore _store;

    public NatPingerTests()
    {
        _sender = new RecordingSender(_time);
        _wheel = new TimerWheel(_time, TimeSpan.FromMilliseconds(10));
        _store = new MemoryLocationStore(_time, TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task Each_nated_binding_gets_a_four_byte_zero_packet_from_its_registered_socket_once_per_interval()
    {
        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.1:5060", nated: true);
        await Register("2000", "sip:198.51.100.8:40002", "udp:198.18.0.2:5070", nated: true);
        using var pinger = Start(new NatPingOptions { Interval = Interval });

        Advance(Interval - TimeSpan.FromSeconds(1));
        _sender.Pings.ShouldBeEmpty();

        // The round starts one interval in; the second of two bindings is due half an interval later.
        Advance(TimeSpan.FromSeconds(17));
        _sender.Pings.Select(p => (p.Socket, p.Destination.ToString())).OrderBy(p => p.Item2).ShouldBe(
        [
            ("udp:198.18.0.1:5060", "198.51.100.7:40001"),
            ("udp:198.18.0.2:5070", "198.51.100.8:40002"),
        ]);
        _sender.Pings.ShouldAllBe(p => p.Payload.Length == 4 && p.Payload.All(b => b == 0));

        Advance(Interval * 2);
        _sender.Pings.Count.ShouldBe(6);
        _sender.Pings.GroupBy(p => p.Destination.ToString()).ShouldAllBe(g => g.Count() == 3);
        pinger.Sent.ShouldBe(6);
        pinger.Failed.ShouldBe(0);
    }

    [Fact]
    public async Task The_pings_of_one_round_are_spread_evenly_over_the_interval()
    {
        for (int i = 0; i < 10; i++)
        {
            await Register($"10{i:00}", $"sip:198.51.100.{10 + i}:40000", "udp:198.18.0.1:5060", nated: true);
        }

        using var pinger = Start(new NatPingOptions { Interval = Interval });
        Advance(Interval * 2);

        var round = _sender.Pings.Take(10).Select(p => p.At - _sender.Pings[0].At).ToList();
        for (int i = 0; i < 10; i++)
        {
            // Binding i of 10 is due 3 s after binding i-1; the wheel's 10 ms tick is the only slack.
            round[i].ShouldBeInRange(Interval * i / 10, (Interval * i / 10) + TimeSpan.FromMilliseconds(20));
        }

        (_sender.Pings[10].At - _sender.Pings[0].At).ShouldBeInRange(Interval, Interval + TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public async Task Only_nated_bindings_are_pinged_unless_ping_nated_only_is_off()
    {
        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.1:5060", nated: true);
        await Register("3000", "sip:198.51.100.30:5060", "udp:198.18.0.1:5060", nated: false);

        using (var natedOnly = Start(new NatPingOptions { Interval = Interval, NatedOnly = true }))
        {
            Advance(Interval + TimeSpan.FromSeconds(29));
            _sender.Pings.Select(p => p.Destination.ToString()).ShouldBe(["198.51.100.7:40001"]);
        }

        _sender.Pings.Clear();
        using var everyone = Start(new NatPingOptions { Interval = Interval, NatedOnly = false });
        Advance(Interval + TimeSpan.FromSeconds(29));
        _sender.Pings.Select(p => p.Destination.ToString()).Order().ShouldBe(["198.51.100.30:5060", "198.51.100.7:40001"]);
    }

    [Fact]
    public async Task Tcp_and_expired_bindings_are_not_pinged_and_new_ones_join_the_next_round()
    {
        await Register("4000", "sip:198.51.100.40:40004;transport=tcp", "tcp:198.18.0.1:5060", nated: true);
        await Register("5000", "sip:198.51.100.50:40005", "udp:198.18.0.1:5060", nated: true, expires: TimeSpan.FromSeconds(10));
        using var pinger = Start(new NatPingOptions { Interval = Interval });

        Advance(Interval + TimeSpan.FromSeconds(29));
        _sender.Pings.ShouldBeEmpty();
        pinger.Rounds.ShouldBe(1);

        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.1:5060", nated: true);
        Advance(TimeSpan.FromSeconds(2));
        _sender.Pings.Select(p => p.Destination.ToString()).ShouldBe(["198.51.100.7:40001"]);
    }

    [Fact]
    public async Task Interval_zero_sends_nothing()
    {
        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.1:5060", nated: true);
        using var pinger = Start(new NatPingOptions { Interval = TimeSpan.Zero });

        Advance(TimeSpan.FromMinutes(5));

        _sender.Pings.ShouldBeEmpty();
        pinger.Rounds.ShouldBe(0);
    }

    [Fact]
    public async Task A_sip_method_sends_an_options_request_to_the_contact_instead()
    {
        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.1:5060", nated: true);
        using var pinger = Start(new NatPingOptions { Interval = Interval, SipMethod = "OPTIONS" });

        Advance(Interval + TimeSpan.FromSeconds(1));

        var text = System.Text.Encoding.UTF8.GetString(_sender.Pings.ShouldHaveSingleItem().Payload);
        text.ShouldStartWith("OPTIONS sip:1000@192.168.1.10:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK");
        text.ShouldEndWith("Content-Length: 0\r\n\r\n");
        Sip.SipText.Parse(text).IsRequest.ShouldBeTrue();
    }

    [Fact]
    public async Task A_ping_no_socket_can_send_is_counted_as_failed()
    {
        await Register("1000", "sip:198.51.100.7:40001", "udp:198.18.0.9:5060", nated: true);
        _sender.Refuse = true;
        using var pinger = Start(new NatPingOptions { Interval = Interval });

        Advance(Interval + TimeSpan.FromSeconds(1));

        pinger.Failed.ShouldBe(1);
        pinger.Sent.ShouldBe(0);
    }

    public async ValueTask DisposeAsync()
    {
        _wheel.Dispose();
        await _store.DisposeAsync();
    }

    private NatPinger Start(NatPingOptions options)
    {
        var pinger = new NatPinger(_store, _sender, _wheel, options);
        pinger.Start();
        return pinger;
    }

    /// <summary>Moves the clock in 10 ms steps so each wheel tick fires in order, as real time would.</summary>
    private void Advance(TimeSpan by)
    {
        var step = TimeSpan.FromMilliseconds(10);
        for (var done = TimeSpan.Zero; done < by; done += step)
        {
            _time.Advance(step);
        }
    }

    private async Task Register(string user, string received, string socket, bool nated, TimeSpan? expires = null)
    {
        await _store.PutAsync(new ContactBinding
        {
            Aor = user + "@198.18.0.1",
            Contact = $"sip:{user}@192.168.1.10:5060",
            Expires = _time.GetUtcNow().UtcDateTime + (expires ?? TimeSpan.FromHours(1)),
            Received = received,
            Socket = socket,
            Flags = nated ? RegistrarOptions.NatContactFlag : 0,
        });
    }

    private sealed class RecordingSender(TimeProvider time) : INatPingSender
    {
        public List<(string? Socket, IPEndPoint Destination, byte[] Payload, TimeSpan At)> Pings { get; } = [];

        public bool Refuse { get; set; }

        public ValueTask<bool> SendAsync(string? socket, IPEndPoint destination, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                return new ValueTask<bool>(false);
            }

            Pings.Add((socket, destination, payload.ToArray(), TimeSpan.FromTicks(time.GetUtcNow().Ticks)));
            return new ValueTask<bool>(true);
        }
    }
}
