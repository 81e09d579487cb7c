using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Repositories;
using static NatEdge.Proxy.Tests.Modules.Registrar.RegisterMessages;

namespace NatEdge.Proxy.Tests.Modules.Registrar;

/// <summary>save("location") against RFC 3261 section 10.3 and the registrar modparams.</summary>
public sealed class SaveTests
{
    [Fact]
    public async Task A_register_is_answered_200_listing_the_binding_with_its_expiry()
    {
        using var harness = RegistrarScript.Harness();

        (await harness.RequestAsync(Register())).ShouldBe(0);

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 200 OK\r\n");
        harness.LastReply.ShouldContain("\r\nContact: <sip:1000@127.0.0.5:5070>;expires=3600\r\n");
        harness.LastReply.ShouldContain("\r\nTo: <sip:1000@proxy.test>;tag=");
    }

    [Fact]
    public async Task The_contact_expires_parameter_wins_over_the_expires_header()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>;expires=120\n", expires: "Expires: 3600\n"));

        harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.5:5070>;expires=120\r\n");
    }

    [Fact]
    public async Task Without_any_expiry_the_default_expires_applies()
    {
        using var harness = RegistrarScript.Harness("modparam(\"registrar\", \"default_expires\", 1800)");

        await harness.RequestAsync(Register(expires: ""));

        harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.5:5070>;expires=1800\r\n");
    }

    [Fact]
    public async Task An_expiry_below_min_expires_is_raised_to_it_as_ser_does()
    {
        using var harness = RegistrarScript.Harness("modparam(\"registrar\", \"min_expires\", 60)");

        await harness.RequestAsync(Register(expires: "Expires: 10\n"));

        harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        harness.LastReply.ShouldContain(";expires=60\r\n");
    }

    [Fact]
    public async Task With_min_expires_mode_an_expiry_below_the_minimum_gets_423_with_min_expires()
    {
        using var harness = RegistrarScript.Harness("modparam(\"registrar\", \"min_expires\", 60)\nmodparam(\"registrar\", \"min_expires_mode\", 1)");

        await harness.RequestAsync(Register(expires: "Expires: 10\n"));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 423 Interval Too Brief\r\n");
        harness.LastReply.ShouldContain("\r\nMin-Expires: 60\r\n");
        (await harness.Bindings("1000")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expiry_above_max_expires_is_lowered_to_it()
    {
        using var harness = RegistrarScript.Harness("modparam(\"registrar\", \"max_expires\", 600)");

        await harness.RequestAsync(Register(expires: "Expires: 7200\n"));

        harness.LastReply.ShouldContain(";expires=600\r\n");
    }

    [Fact]
    public async Task Several_contacts_are_bound_with_their_q_values()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>;q=0.5, <sip:1000@127.0.0.7:5072>;q=0.9\n"));

        harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.5:5070>;expires=3600;q=0.5\r\n");
        harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.7:5072>;expires=3600;q=0.9\r\n");
        (await harness.Bindings("1000")).Select(b => b.Contact).ShouldBe(["sip:1000@127.0.0.7:5072", "sip:1000@127.0.0.5:5070"]);
    }

    [Fact]
    public async Task Wildcard_with_expires_zero_removes_every_binding()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>, <sip:1000@127.0.0.7:5072>\n"));

        await harness.RequestAsync(Register(contacts: "Contact: *\n", expires: "Expires: 0\n", cseq: 2));

        harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        harness.LastReply.ShouldNotContain("Contact:");
        (await harness.Bindings("1000")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Wildcard_with_a_nonzero_expiry_is_a_bad_request()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Register(contacts: "Contact: *\n", expires: "Expires: 3600\n"));

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 400 ");
    }

    [Fact]
    public async Task A_contact_with_expires_zero_removes_only_that_binding()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>, <sip:1000@127.0.0.7:5072>\n"));

        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.7:5072>;expires=0\n", cseq: 2));

        (await harness.Bindings("1000")).Select(b => b.Contact).ShouldBe(["sip:1000@127.0.0.5:5070"]);
        harness.LastReply.ShouldNotContain("127.0.0.7");
    }

    [Fact]
    public async Task A_retransmission_handled_while_its_original_was_being_stored_gets_200()
    {
        // The original REGISTER (Call-ID reg-1, CSeq 3) is in the store, but the retransmission read
        // the bindings before that write landed: it plans an insert and the store finds the same CSeq.
        LateReadStore? store = null;
        using var harness = new ModuleScriptHarness(RegistrarScript.Text(), time => ModuleServices.Create(
            time,
            store = new LateReadStore(new MemoryLocationStore(time, TimeSpan.FromSeconds(60))),
            new MemoryLocationStore(time, TimeSpan.FromSeconds(60))));
        await harness.RequestAsync(Register(cseq: 3));
        store!.HideNextRead = true;

        await harness.RequestAsync(Register(cseq: 3));

        harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        (await harness.Bindings("1000")).ShouldHaveSingleItem().CSeq.ShouldBe(3);
    }

    [Fact]
    public async Task An_older_cseq_for_the_same_call_id_changes_nothing()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(cseq: 5));

        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>;expires=0\n", cseq: 4));

        harness.LastReply.ShouldStartWith("SIP/2.0 400 ");
        (await harness.Bindings("1000")).ShouldHaveSingleItem().CSeq.ShouldBe(5);
    }

    [Fact]
    public async Task A_retransmission_with_the_same_cseq_is_answered_again_without_change()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(cseq: 5));
        harness.Time.Advance(TimeSpan.FromSeconds(100));

        await harness.RequestAsync(Register(cseq: 5));

        harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        harness.LastReply.ShouldContain(";expires=3500\r\n");
    }

    [Fact]
    public async Task A_newer_cseq_or_another_call_id_refreshes_the_binding()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(cseq: 5));
        harness.Time.Advance(TimeSpan.FromSeconds(100));

        await harness.RequestAsync(Register(cseq: 1, callId: "after-reboot@127.0.0.5"));

        harness.LastReply.ShouldContain(";expires=3600\r\n");
        (await harness.Bindings("1000")).ShouldHaveSingleItem().CallId.ShouldBe("after-reboot@127.0.0.5");
    }

    [Fact]
    public async Task A_register_without_contact_is_a_query_listing_remaining_expiries()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>, <sip:1000@127.0.0.7:5072>;expires=60\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(600));

        await harness.RequestAsync(Register(contacts: "", expires: "", cseq: 2));

        harness.LastReply.ShouldStartWith("SIP/2.0 200 OK\r\n");
        harness.LastReply.ShouldContain("Contact: <sip:1000@127.0.0.5:5070>;expires=3000\r\n");
        harness.LastReply.ShouldNotContain("127.0.0.7");
    }

    [Fact]
    public async Task User_agent_source_socket_and_nat_flag_are_stored_with_the_binding()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Register(extra: "X-Nat: yes\n"));

        var binding = (await harness.Bindings("1000")).ShouldHaveSingleItem();
        binding.UserAgent.ShouldBe("TestPhone/1.0");
        binding.Received.ShouldBe("sip:127.0.0.5:5070");
        binding.Socket.ShouldBe("udp:127.0.0.1:5060");
        binding.Flags.ShouldBe(1, "SER's FL_NAT");
        binding.CallId.ShouldBe("reg-1@127.0.0.5");
    }

    [Fact]
    public async Task Without_the_nat_flag_no_nat_bit_is_stored()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Register());

        (await harness.Bindings("1000")).ShouldHaveSingleItem().Flags.ShouldBe(0);
    }

    [Fact]
    public async Task A_store_that_is_down_gets_500()
    {
        using var harness = RegistrarScript.Harness(location: new UnavailableStore());

        (await harness.RequestAsync(Register())).ShouldBe(0);

        harness.Replies.ShouldHaveSingleItem().ShouldStartWith("SIP/2.0 500 ");
    }

    /// <summary>A location store whose database is down: every call fails as the real ones do.</summary>
    private sealed class UnavailableStore : ILocationStore
    {
        public UsrlocDbMode Mode => UsrlocDbMode.DatabaseOnly;

        public ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default) => throw Down();

        public ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default) => throw Down();

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => throw Down();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static StorageUnavailableException Down() => new("database unreachable");
    }

    /// <summary>A store whose next read misses what is already stored, as a read racing a write does.</summary>
    private sealed class LateReadStore(ILocationStore inner) : ILocationStore
    {
        public bool HideNextRead { get; set; }

        public UsrlocDbMode Mode => inner.Mode;

        public ValueTask<IReadOnlyList<ContactBinding>> GetAsync(string aor, CancellationToken cancellationToken = default)
        {
            if (HideNextRead)
            {
                HideNextRead = false;
                return new ValueTask<IReadOnlyList<ContactBinding>>([]);
            }

            return inner.GetAsync(aor, cancellationToken);
        }

        public ValueTask<IReadOnlyList<ContactBinding>> GetAllAsync(CancellationToken cancellationToken = default) => inner.GetAllAsync(cancellationToken);

        public ValueTask<PutOutcome> PutAsync(ContactBinding binding, CancellationToken cancellationToken = default) => inner.PutAsync(binding, cancellationToken);

        public ValueTask<bool> RemoveAsync(string aor, string contact, CancellationToken cancellationToken = default) => inner.RemoveAsync(aor, contact, cancellationToken);

        public ValueTask<int> RemoveAllAsync(string aor, CancellationToken cancellationToken = default) => inner.RemoveAllAsync(aor, cancellationToken);

        public ValueTask<int> ExpireAsync(CancellationToken cancellationToken = default) => inner.ExpireAsync(cancellationToken);

        public ValueTask FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
