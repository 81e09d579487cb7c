using Microsoft.Extensions.Time.Testing;
using NatEdge.Proxy.Management;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Tests.Management;

public sealed class RegistrationCommandsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Without_use_domain_an_account_is_stored_and_found_under_its_user_part_as_the_registrar_does()
    {
        await using var store = new MemoryLocationStore(_time, TimeSpan.FromSeconds(60));
        var commands = Commands(store, useDomain: false);

        (await RunAsync(commands, "ul add alice@example.org sip:alice@10.0.0.5:5060 60")).ShouldBe(
            ControlAnswer.Done("added contact <sip:alice@10.0.0.5:5060> for alice@example.org, expires=2026-11-26T12:01:00Z"), ControlAnswerComparer);

        (await store.GetAsync("alice")).ShouldHaveSingleItem().Contact.ShouldBe("sip:alice@10.0.0.5:5060");
        (await RunAsync(commands, "ul add alice@example.org sip:alice@10.0.0.5:5060 120")).Code.ShouldBe(ControlAnswer.Ok);
        (await store.GetAsync("alice")).ShouldHaveSingleItem().Expires.ShouldBe(new DateTime(2026, 11, 26, 12, 2, 0, DateTimeKind.Utc), "adding the same contact again replaces it");
        var shown = await RunAsync(commands, "ul show sip:alice@example.org");
        shown.Lines[0].ShouldBe("alice:");
        shown.Lines[1].ShouldStartWith("  <sip:alice@10.0.0.5:5060> q=1.00 expires=2026-11-26T12:02:00Z ");
    }

    [Fact]
    public async Task With_use_domain_the_whole_account_is_the_key()
    {
        await using var store = new MemoryLocationStore(_time, TimeSpan.FromSeconds(60));
        var commands = Commands(store, useDomain: true);

        (await RunAsync(commands, "ul add bob@example.org sip:bob@10.0.0.6")).Lines.ShouldBe(["added permanent contact <sip:bob@10.0.0.6> for bob@example.org"]);

        (await store.GetAsync("bob@example.org")).ShouldHaveSingleItem().IsPermanent.ShouldBeTrue();
        (await store.GetAsync("bob")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Rm_removes_one_contact_or_all_and_says_when_there_was_nothing()
    {
        await using var store = new MemoryLocationStore(_time, TimeSpan.FromSeconds(60));
        var commands = Commands(store, useDomain: false);
        await RunAsync(commands, "ul add carol@example.org sip:carol@10.0.0.7");
        await RunAsync(commands, "ul add carol@example.org sip:carol@10.0.0.8");

        (await RunAsync(commands, "ul rm carol@example.org sip:carol@10.0.0.7")).Lines.ShouldBe(["removed contact <sip:carol@10.0.0.7> of carol@example.org"]);
        (await RunAsync(commands, "ul rm carol@example.org")).Lines.ShouldBe(["removed 1 registration(s) of carol@example.org"]);
        var none = await RunAsync(commands, "ul rm carol@example.org");
        none.Code.ShouldBe(ControlAnswer.NotFound);
        none.Reason.ShouldBe("no registrations for carol@example.org");
    }

    [Theory]
    [InlineData("ul")]
    [InlineData("ul show a@b c")]
    [InlineData("ul add nobody sip:x@y")]
    [InlineData("ul add a@b http://x")]
    [InlineData("ul add a@b sip:x@y soon")]
    public async Task Malformed_commands_are_answered_400(string line)
    {
        await using var store = new MemoryLocationStore(_time, TimeSpan.FromSeconds(60));

        (await RunAsync(Commands(store, useDomain: false), line)).Code.ShouldBe(ControlAnswer.BadRequest);
    }

    private static readonly IEqualityComparer<ControlAnswer> ControlAnswerComparer = new AnswerComparer();

    private RegistrationCommands Commands(ILocationStore store, bool useDomain)
    {
        var script = Bind(useDomain);
        return new RegistrationCommands(store, () => script, _time);
    }

    private static Task<ControlAnswer> RunAsync(RegistrationCommands commands, string line) =>
        commands.ExecuteAsync(line.Split(' '), CancellationToken.None);

    private static BoundScript Bind(bool useDomain)
    {
        var text = "loadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\n" +
                   $"modparam(\"registrar\", \"use_domain\", {(useDomain ? 1 : 0)})\nroute {{ break; }}";
        var script = ScriptLoader.BindText(text, "test.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        return script;
    }

    private sealed class AnswerComparer : IEqualityComparer<ControlAnswer>
    {
        public bool Equals(ControlAnswer? x, ControlAnswer? y) => x is not null && y is not null && x.Render() == y.Render();

        public int GetHashCode(ControlAnswer obj) => obj.Render().GetHashCode(StringComparison.Ordinal);
    }
}
