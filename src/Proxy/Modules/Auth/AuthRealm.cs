using System.Text;
using NatEdge.Proxy.Sip.Message;

namespace NatEdge.Proxy.Modules.Auth;

/// <summary>
/// The realm of a challenge or a check: the script's argument, or when it is empty the host of
/// the To URI for REGISTER and of the From URI otherwise (SER's auth modules).
/// </summary>
internal static class AuthRealm
{
    public static string? Resolve(string configured, SipMessage request)
    {
        if (configured.Length > 0)
        {
            return configured;
        }

        var isRegister = request.IsRequest && request[request.MethodName].SequenceEqual("REGISTER"u8);
        var found = isRegister ? request.TryGetTo(out var address) : request.TryGetFrom(out address);
        if (!found || !address.ParsedUri.IsSipOrSips || address.ParsedUri.Host.IsEmpty)
        {
            return null;
        }

        return Encoding.UTF8.GetString(request[address.ParsedUri.Host]).ToLowerInvariant();
    }
}
