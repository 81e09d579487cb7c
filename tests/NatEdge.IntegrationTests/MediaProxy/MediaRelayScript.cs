namespace NatEdge.IntegrationTests.MediaProxy;

/// <summary>
/// A stateful proxy script that relays every call's media through the relay at a control socket:
/// use_media_proxy() on the INVITE's offer and on the answer in 18x/2xx replies, end_media_session()
/// on the BYE (mediaproxy's documented use, route-script.md section 5); or engage_media_proxy() alone.
/// </summary>
internal static class MediaRelayScript
{
    private const string Routes = """
        route {
            if (loose_route()) {
                if (method == "BYE") {
                    end_media_session();
                };
                t_relay();
                break;
            };
            if (method == "INVITE") {
                record_route();
                if (!use_media_proxy()) {
                    sl_send_reply("503", "Media Relay Unavailable");
                    break;
                };
                t_on_reply("1");
            };
            if (!t_relay()) {
                sl_reply_error();
            };
        }

        onreply_route[1] {
            if (status =~ "(18[0-9])|(2[0-9][0-9])") {
                use_media_proxy();
            };
        }
        """;

    // engage_media_proxy() on the initial INVITE alone: the dialog it starts carries every later SDP
    // (the 200 OK's) to the relay and ends the session at the BYE, with no other call in the script.
    private const string EngagedRoutes = """
        route {
            if (loose_route()) {
                t_relay();
                break;
            };
            if (method == "INVITE") {
                record_route();
                engage_media_proxy();
            };
            if (!t_relay()) {
                sl_reply_error();
            };
        }
        """;

    /// <summary>The script, with <paramref name="engaged"/> selecting engage_media_proxy() over the manual calls.</summary>
    public static string For(string relaySocket, bool engaged = false) => $$"""
        fork=no
        loadmodule "sl.so"
        loadmodule "tm.so"
        loadmodule "rr.so"
        loadmodule "usrloc.so"
        loadmodule "domain.so"
        loadmodule "mediaproxy.so"
        modparam("mediaproxy", "mediaproxy_socket", "{{relaySocket}}")
        modparam("mediaproxy", "mediaproxy_timeout", 5000)

        """ + (engaged ? EngagedRoutes : Routes);
}
