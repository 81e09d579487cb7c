using NatEdge.Proxy.Hosting;
using NatEdge.Proxy.Management;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Binding;

namespace NatEdge.Proxy.Tests.Management;

public sealed class StartOnlySettingsTests
{
    private const string Modules =
        "loadmodule \"sl.so\"\nloadmodule \"tm.so\"\nloadmodule \"usrloc.so\"\nloadmodule \"registrar.so\"\n";

    [Fact]
    public void Route_logic_and_per_call_parameters_change_without_a_restart()
    {
        var running = Bind(Modules + "modparam(\"registrar\", \"default_expires\", 3600)\nroute { sl_send_reply(\"200\", \"one\"); }");
        var reloaded = Bind(Modules + "modparam(\"registrar\", \"default_expires\", 600)\nroute { sl_send_reply(\"404\", \"two\"); }");

        StartOnlySettings.ModuleSetChange(running, reloaded).ShouldBeNull();
        StartOnlySettings.Differences(running, Settings(running), reloaded, Settings(reloaded)).ShouldBeEmpty();
    }

    [Fact]
    public void Sockets_loops_stores_and_timers_wait_for_a_restart()
    {
        var running = Bind("listen=127.0.0.1\nchildren=4\n" + Modules + "modparam(\"usrloc\", \"db_mode\", 0)\nroute { break; }");
        var reloaded = Bind(
            "listen=127.0.0.2\nchildren=2\n" + Modules +
            "modparam(\"usrloc\", \"db_mode\", 1)\nmodparam(\"usrloc\", \"db_url\", \"mysql://ser:secret@localhost/ser\")\nmodparam(\"tm\", \"fr_timer\", 10)\nroute { break; }");

        var differences = StartOnlySettings.Differences(running, Settings(running), reloaded, Settings(reloaded));

        differences.ShouldContain("listen: udp:127.0.0.1:5060 tcp:127.0.0.1:5060 -> udp:127.0.0.2:5060 tcp:127.0.0.2:5060");
        differences.ShouldContain("children: 4 -> 2");
        differences.ShouldContain("modparam usrloc db_mode: 0 -> 1");
        // fr_timer defaults to RFC 3261 Timer F, 64*T1 = 32 s.
        differences.ShouldContain("modparam tm fr_timer: 32 -> 10");
        differences.ShouldContain(d => d.StartsWith("modparam usrloc db_url: ", StringComparison.Ordinal) && d.EndsWith("-> mysql://ser:***@localhost/ser", StringComparison.Ordinal));
        differences.ShouldNotContain(d => d.Contains("secret", StringComparison.Ordinal), "a password never reaches a log line");
    }

    [Fact]
    public void Loading_or_unloading_a_module_refuses_the_reload()
    {
        var running = Bind(Modules + "route { break; }");
        var reloaded = Bind("loadmodule \"sl.so\"\nloadmodule \"tm.so\"\nloadmodule \"maxfwd.so\"\nroute { break; }");

        StartOnlySettings.ModuleSetChange(running, reloaded).ShouldBe(
            "the loaded modules changed (+maxfwd, -registrar, -usrloc); loading or unloading a module needs a restart");
    }

    private static BoundScript Bind(string text)
    {
        var script = ScriptLoader.BindText(text, "test.cfg", out var diagnostics);
        diagnostics.HasErrors.ShouldBeFalse(diagnostics.Render());
        return script;
    }

    private static ProxyRunSettings Settings(BoundScript script)
    {
        var errors = new List<string>();
        return ProxyRunSettings.Resolve(script.Settings, "test.cfg", [], null, null, errors) ?? throw new InvalidOperationException(string.Join('\n', errors));
    }
}
