using NatEdge.Proxy.Modules;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Storage.Repositories;

namespace NatEdge.Proxy.Tests.Modules.Registrar;

/// <summary>The guide's registrar idiom with a few test hooks, over memory stores on a fake clock.</summary>
internal static class RegistrarScript
{
    public static string Text(string modparams = "") => $$"""
        loadmodule "sl.so"
        loadmodule "tm.so"
        loadmodule "textops.so"
        loadmodule "usrloc.so"
        loadmodule "registrar.so"
        modparam("registrar", "nat_flag", 6)
        {{modparams}}
        route {
            if (method == "REGISTER") {
                if (search("^X-Nat: yes")) { setflag(6); };
                if (!save("location")) { sl_reply_error(); };
                break;
            };
            if (uri =~ "^sip:registered") {
                if (registered("location")) { sl_send_reply("299", "Registered"); } else { sl_send_reply("298", "Not Registered"); };
                break;
            };
            lookup("aliases");
            if (!lookup("location")) { sl_send_reply("404", "Not Found"); break; };
            sl_send_reply("299", "Found");
        }
        """;

    public static ModuleScriptHarness Harness(string modparams = "", ILocationStore? location = null) =>
        new(Text(modparams), time => ModuleServices.Create(
            time,
            location ?? new MemoryLocationStore(time, TimeSpan.FromSeconds(60)),
            new MemoryLocationStore(time, TimeSpan.FromSeconds(60))));

    public static async Task<IReadOnlyList<ContactBinding>> Bindings(this ModuleScriptHarness harness, string aor) =>
        await harness.Services.Location!.GetAsync(aor);
}
