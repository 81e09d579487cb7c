using System.Text;
using NatEdge.Proxy.Storage.Repositories;
using static NatEdge.Proxy.Tests.Modules.Registrar.RegisterMessages;

namespace NatEdge.Proxy.Tests.Modules.Registrar;

/// <summary>lookup("location"), lookup("aliases") and registered() over bindings save() made.</summary>
public sealed class LookupTests
{
    [Fact]
    public async Task Lookup_rewrites_the_request_uri_to_the_registered_contact()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register());

        await harness.RequestAsync(Invite());

        harness.LastReply.ShouldStartWith("SIP/2.0 299 Found\r\n");
        harness.RequestUri.ShouldBe("sip:1000@127.0.0.5:5070");
        harness.Scope.Destination.ShouldBeNull();
        harness.Scope.Branches.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_highest_q_contact_becomes_the_request_uri_and_the_others_branches()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>;q=0.2, <sip:1000@127.0.0.7:5072>;q=0.8, <sip:1000@127.0.0.8:5074>;q=0.5\n"));

        await harness.RequestAsync(Invite());

        harness.RequestUri.ShouldBe("sip:1000@127.0.0.7:5072");
        harness.Scope.Branches.Select(b => Encoding.UTF8.GetString(b.RequestUri.Span)).ShouldBe(["sip:1000@127.0.0.8:5074", "sip:1000@127.0.0.5:5070"]);
    }

    [Fact]
    public async Task With_append_branches_off_only_the_best_contact_is_used()
    {
        using var harness = RegistrarScript.Harness("modparam(\"registrar\", \"append_branches\", 0)");
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@127.0.0.5:5070>;q=0.2, <sip:1000@127.0.0.7:5072>;q=0.8\n"));

        await harness.RequestAsync(Invite());

        harness.RequestUri.ShouldBe("sip:1000@127.0.0.7:5072");
        harness.Scope.Branches.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_nated_binding_is_reached_at_its_received_address_and_sets_the_nat_flag()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(contacts: "Contact: <sip:1000@10.0.0.5:5060>\n", extra: "X-Nat: yes\n"));

        await harness.RequestAsync(Invite());

        harness.RequestUri.ShouldBe("sip:1000@10.0.0.5:5060");
        Encoding.UTF8.GetString(harness.Scope.Destination!).ShouldBe("sip:127.0.0.5:5070");
        (harness.Context.Flags & (1u << 6)).ShouldNotBe(0u);
    }

    [Fact]
    public async Task A_binding_without_nat_leaves_the_nat_flag_clear()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register());

        await harness.RequestAsync(Invite());

        (harness.Context.Flags & (1u << 6)).ShouldBe(0u);
    }

    [Fact]
    public async Task An_unknown_user_is_not_found()
    {
        using var harness = RegistrarScript.Harness();

        await harness.RequestAsync(Invite("sip:2000@proxy.test"));

        harness.LastReply.ShouldStartWith("SIP/2.0 404 Not Found\r\n");
        harness.RequestUri.ShouldBe("sip:2000@proxy.test");
    }

    [Fact]
    public async Task An_expired_binding_is_never_returned()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(expires: "Expires: 60\n"));
        harness.Time.Advance(TimeSpan.FromSeconds(61));

        await harness.RequestAsync(Invite());

        harness.LastReply.ShouldStartWith("SIP/2.0 404 Not Found\r\n");
    }

    [Fact]
    public async Task Expired_bindings_are_swept_on_the_usrloc_timer()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Register(expires: "Expires: 60\n"));

        harness.Time.Advance(TimeSpan.FromSeconds(120));
        var swept = ((NatEdge.Proxy.Modules.Usrloc.MemoryLocationStore)harness.Services.Location!).Timer;
        for (var i = 0; i < 100 && swept.CompletedRuns == 0; i++)
        {
            await Task.Delay(10);
        }

        swept.CompletedRuns.ShouldBeGreaterThan(0);
        (await harness.Services.Location.ExpireAsync()).ShouldBe(0, "the timer already removed the expired binding");
    }

    [Fact]
    public async Task Registered_tells_whether_the_aor_has_a_binding()
    {
        using var harness = RegistrarScript.Harness();
        await harness.RequestAsync(Invite("sip:registered@proxy.test"));
        harness.LastReply.ShouldStartWith("SIP/2.0 298 ");

        await harness.RequestAsync(Register(user: "registered"));
        await harness.RequestAsync(Invite("sip:registered@proxy.test"));

        harness.LastReply.ShouldStartWith("SIP/2.0 299 Registered\r\n");
    }

    [Fact]
    public async Task Lookup_aliases_translates_an_alias_to_its_user_before_the_location_lookup()
    {
        using var harness = RegistrarScript.Harness();
        await harness.Services.Aliases!.PutAsync(new ContactBinding
        {
            Aor = "sales",
            Contact = "sip:1000@proxy.test",
            Expires = harness.Time.GetUtcNow().UtcDateTime,
            Flags = ContactBinding.PermanentFlag,
        });
        await harness.RequestAsync(Register());

        await harness.RequestAsync(Invite("sip:sales@proxy.test"));

        harness.LastReply.ShouldStartWith("SIP/2.0 299 Found\r\n");
        harness.RequestUri.ShouldBe("sip:1000@127.0.0.5:5070");
    }
}
