using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Routing;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Routing.Syntax;
using NatEdge.Proxy.Storage;
using NatEdge.Proxy.Storage.Schema;
using static NatEdge.Proxy.Modules.ArgumentKind;
using F = NatEdge.Proxy.Modules.ModuleFunction;
using P = NatEdge.Proxy.Modules.ModuleParameter;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>
/// The registrar module (route-script.md section 5): save() processes a REGISTER and answers it
/// statelessly, as SER's registrar does; lookup() turns a Request-URI into the registered
/// contacts; registered() only tells whether there are any. The stores come from
/// <see cref="ModuleServices"/> at run time.
/// </summary>
internal static class RegistrarModule
{
    private static readonly byte[] Ok = "OK"u8.ToArray();

    public static ScriptModule Create() => new(
        "registrar",
        [
            new F("save", [new("table", Text)], RouteKind.Request, b => BindSave(b, reply: true), ValidateSaveTable),
            new F("save_noreply", [new("table", Text)], RouteKind.Request, b => BindSave(b, reply: false), ValidateSaveTable),
            new F("lookup", [new("table", Text)], RouteKind.RequestAndFailure, BindLookup, ValidateTable),
            new F("registered", [new("table", Text)], RouteKind.RequestAndFailure, BindRegistered, ValidateTable),
        ],
        [
            P.Int("nat_flag", 4) with { Minimum = 0, Maximum = 31 },
            P.Int("default_expires", 3600) with { Minimum = 0 },
            P.Int("min_expires", 60) with { Minimum = 0 },
            P.Int("max_expires", 0) with { Minimum = 0 },
            // Kamailio: 1 answers 423 Interval Too Brief instead of raising the expiry.
            P.Switch("min_expires_mode", 0),
            P.Int("default_q", 0) with { Minimum = 0, Maximum = 1000 },
            P.Switch("append_branches", 1),
            P.Switch("use_domain", 0),
            P.Switch("case_sensitive", 0),
            P.Switch("desc_time_order", 0),
            P.Int("received_avp", 42),
            P.Text("received_param", "received"),
            P.Int("max_contacts", 0) with { Minimum = 0 },
            P.Int("retry_after", 0) with { Minimum = 0 },
        ],
        ["usrloc"]);

    private static void ValidateTable(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var table = binding.Arguments[0];
        if (table.Text is not (KamailioSchema.LocationTable or KamailioSchema.AliasesTable))
        {
            diagnostics.Error(table.Span, $"{binding.Call.Name}: there is no usrloc table '{table.Text}'", "the tables are \"location\" and \"aliases\"");
        }
    }

    private static void ValidateSaveTable(FunctionBinding binding, ScriptDiagnostics diagnostics)
    {
        var table = binding.Arguments[0];
        if (table.Text != KamailioSchema.LocationTable)
        {
            diagnostics.Error(table.Span, $"{binding.Call.Name} stores REGISTER contacts in \"location\", not '{table.Text}'", "aliases are added with ctl alias add");
        }
    }

    private static ILocationStore? StoreOf(RouteContext context, bool aliases) =>
        aliases ? context.Services.Aliases : context.Services.Location;

    private static ScriptAction BindSave(FunctionBinding binding, bool reply)
    {
        var options = RegistrarOptions.From(binding.Settings);
        return context => SaveAsync(context, options, reply);
    }

    private static async ValueTask<int> SaveAsync(RouteContext context, RegistrarOptions options, bool reply)
    {
        var store = context.Services.Location;
        var sip = (context.Message as SipScriptMessage)?.Sip;
        if (store is null || sip is null || !sip.IsRequest)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        var error = RegisterRequest.TryRead(sip, context.Received, options.UseDomain, out var request);
        var now = context.Services.Time.GetUtcNow().UtcDateTime;
        RegistrationResult result = default;
        if (error == RegistrarError.None)
        {
            var natFlagged = (context.Flags & (1u << options.NatFlag)) != 0;
            result = await Registration.SaveAsync(request!, natFlagged, options, store, now).ConfigureAwait(false);
            error = result.Error;
        }

        if (error != RegistrarError.None)
        {
            // As SER's registrar: the function answers the error itself and stops the route.
            context.LastError = error == RegistrarError.StoreUnavailable ? ScriptError.ExternalLogic : ScriptError.BadRequest;
            if (reply)
            {
                var (code, reason) = RegistrarReplies.For(error);
                var extra = error == RegistrarError.IntervalTooBrief
                    ? System.Text.Encoding.ASCII.GetBytes($"Min-Expires: {options.MinExpires}\r\n")
                    : null;
                await ScriptReplies.SendAsync(context, code, reason, extra).ConfigureAwait(false);
            }

            return 0;
        }

        if (!reply)
        {
            return 1;
        }

        var sent = await ScriptReplies.SendAsync(context, 200, Ok, ContactListWriter.Write(result.Bindings, now)).ConfigureAwait(false);
        if (!sent)
        {
            context.LastError = ScriptError.SendFailed;
        }

        return sent ? 1 : -1;
    }

    private static ScriptAction BindLookup(FunctionBinding binding)
    {
        var options = RegistrarOptions.From(binding.Settings);
        var aliases = binding.Arguments[0].Text == KamailioSchema.AliasesTable;
        return context => LookupAsync(context, options, aliases);
    }

    private static async ValueTask<int> LookupAsync(RouteContext context, RegistrarOptions options, bool aliases)
    {
        var store = StoreOf(context, aliases);
        if (store is null)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        var aor = ContactLookup.AorOf(context.Message.RequestUri, options.UseDomain);
        if (aor is null)
        {
            return (int)LookupResult.NotFound;
        }

        IReadOnlyList<Storage.Repositories.ContactBinding> bindings;
        try
        {
            bindings = await store.GetAsync(aor).ConfigureAwait(false);
        }
        catch (StorageException)
        {
            return await ScriptReplies.ServerErrorAsync(context).ConfigureAwait(false);
        }

        return (int)ContactLookup.Apply(context, bindings, options);
    }

    private static ScriptAction BindRegistered(FunctionBinding binding)
    {
        var options = RegistrarOptions.From(binding.Settings);
        var aliases = binding.Arguments[0].Text == KamailioSchema.AliasesTable;
        return async context =>
        {
            var store = StoreOf(context, aliases);
            var aor = ContactLookup.AorOf(context.Message.RequestUri, options.UseDomain);
            if (store is null || aor is null)
            {
                return -1;
            }

            try
            {
                return (await store.GetAsync(aor).ConfigureAwait(false)).Count > 0 ? 1 : -1;
            }
            catch (StorageException)
            {
                context.LastError = ScriptError.ExternalLogic;
                return -1;
            }
        };
    }
}
