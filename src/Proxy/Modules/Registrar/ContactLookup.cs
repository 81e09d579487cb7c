using System.Text;
using NatEdge.Proxy.Modules.Tm;
using NatEdge.Proxy.Modules.Usrloc;
using NatEdge.Proxy.Routing.Compilation;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Parsing;
using NatEdge.Proxy.Storage.Repositories;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Registrar;

/// <summary>What lookup() found; the values are the script's return codes.</summary>
public enum LookupResult
{
    Found = 1,

    /// <summary>No unexpired binding, or a Request-URI without a user (Kamailio's -1).</summary>
    NotFound = -1,
}

/// <summary>
/// lookup() and registered(): the AOR is the Request-URI's user (with its host when use_domain).
/// The best contact (highest q, then oldest) becomes the Request-URI; the others join the
/// destination set tm forks to (append_branches). A contact saved behind NAT is sent to the
/// address its REGISTER came from, and sets the script's nat_flag.
/// </summary>
public static class ContactLookup
{
    /// <summary>The AOR a Request-URI names, or null when it has no user part.</summary>
    public static string? AorOf(ReadOnlySpan<byte> requestUri, bool useDomain)
    {
        if (!SipUriParser.TryParse(requestUri, new TextRange(0, requestUri.Length), out var uri) || !uri.User.IsPresent || uri.User.IsEmpty)
        {
            return null;
        }

        var user = Encoding.UTF8.GetString(requestUri[uri.User.Offset..uri.User.End]);
        return useDomain ? Aor.Join(user, Encoding.UTF8.GetString(requestUri[uri.Host.Offset..uri.Host.End]).ToLowerInvariant()) : user;
    }

    /// <summary>Applies found bindings to the message being routed; returns the script's value.</summary>
    public static LookupResult Apply(RouteContext context, IReadOnlyList<ContactBinding> bindings, RegistrarOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(bindings);
        ArgumentNullException.ThrowIfNull(options);
        if (bindings.Count == 0 || context.Message is not SipScriptMessage message)
        {
            return LookupResult.NotFound;
        }

        var best = bindings[0];
        message.RewriteRequestUri(Encoding.UTF8.GetBytes(best.Contact));
        var nated = IsNated(best);
        var scope = TransactionScope.Of(context);
        if (scope is not null)
        {
            scope.Destination = nated ? Encoding.UTF8.GetBytes(best.Received!) : null;
            if (options.AppendBranches)
            {
                for (var i = 1; i < bindings.Count; i++)
                {
                    var other = bindings[i];
                    var otherNated = IsNated(other);
                    nated |= otherNated;
                    scope.AddBranch(new RelayTarget(Encoding.UTF8.GetBytes(other.Contact), otherNated ? Encoding.UTF8.GetBytes(other.Received!) : default));
                }
            }
        }

        if (nated)
        {
            context.Flags |= 1u << options.NatFlag;
        }

        return LookupResult.Found;
    }

    private static bool IsNated(ContactBinding binding) =>
        (binding.Flags & RegistrarOptions.NatContactFlag) != 0 && !string.IsNullOrEmpty(binding.Received);
}
