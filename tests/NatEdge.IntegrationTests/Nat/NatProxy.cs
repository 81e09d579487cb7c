using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NatEdge.IntegrationTests.Infrastructure;
using NatEdge.IntegrationTests.Lab;

namespace NatEdge.IntegrationTests.Nat;

/// <summary>
/// The proxy inside the lab's public namespace (198.18.0.1:5060) running the NAT stage's signalling:
/// REGISTERs from NATed phones are flagged with nat_uac_test("19") and saved with nat_flag 6, so
/// lookup() sends to the address the NAT showed; t_relay carries calls. Phones are UDP sockets opened
/// inside the home namespaces, writing their private address in Via and Contact as a phone behind a
/// home router does.
/// </summary>
internal sealed class NatProxy : IAsyncDisposable
{
    public const int Port = 5060;

    private readonly TempDirectory _directory;

    private NatProxy(ChildProcess process, TempDirectory directory)
    {
        Process = process;
        _directory = directory;
    }

    public ChildProcess Process { get; }

    public static IPEndPoint EndPoint => new(NatLab.ProxyHost, Port);

    public static string Script(int natpingInterval) => string.Create(CultureInfo.InvariantCulture, $$"""
        listen=udp:{{NatLab.ProxyHost}}:{{Port}}
        loadmodule "/usr/local/lib/ser/modules/sl.so"
        loadmodule "/usr/local/lib/ser/modules/tm.so"
        loadmodule "/usr/local/lib/ser/modules/rr.so"
        loadmodule "/usr/local/lib/ser/modules/maxfwd.so"
        loadmodule "/usr/local/lib/ser/modules/usrloc.so"
        loadmodule "/usr/local/lib/ser/modules/registrar.so"
        loadmodule "/usr/local/lib/ser/modules/nathelper.so"
        loadmodule "/usr/local/lib/ser/modules/textops.so"
        loadmodule "/usr/local/lib/ser/modules/domain.so"
        loadmodule "/usr/local/lib/ser/modules/mediaproxy.so"
        modparam("mediaproxy", "natping_interval", 0)
        modparam("usrloc", "db_mode", 0)
        modparam("registrar", "nat_flag", 6)
        modparam("nathelper", "natping_interval", {{natpingInterval}})
        modparam("nathelper", "ping_nated_only", 1)
        route {
            if (!mf_process_maxfwd_header("10")) {
                sl_send_reply("483", "Too Many Hops");
                break;
            };
            if (method=="REGISTER") {
                if (nat_uac_test("19")) {
                    setflag(6);
                    fix_nated_register();
                    force_rport();
                };
                if (!save("location")) {
                    sl_reply_error();
                };
                break;
            };
            record_route();
            t_on_reply("1");
            if (loose_route()) {
                t_relay();
                break;
            };
            if (method=="INVITE" && nat_uac_test("19")) {
                force_rport();
                fix_nated_contact();
            };
            if (!lookup("location")) {
                sl_send_reply("404", "User Not Found");
                break;
            };
            t_relay();
        }
        onreply_route[1] {
            if (client_nat_test("1")) {
                fix_nated_contact();
            };
        }
        """);

    public static Task<NatProxy> StartAsync(NatLab lab, int natpingInterval) => StartAsync(lab, Script(natpingInterval));

    /// <summary>The proxy in the lab's public namespace running <paramref name="script"/>.</summary>
    public static async Task<NatProxy> StartAsync(NatLab lab, string script)
    {
        var directory = new TempDirectory("natedge-nat-");
        var config = directory.File("proxy.cfg", script);
        var process = ChildProcess.Start(
            "ip",
            ["netns", "exec", lab.Public, "dotnet", BuiltExecutables.ProxyDll, "run", "--config", config],
            directory.Path,
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        var proxy = new NatProxy(process, directory);
        try
        {
            await process.WaitForOutputAsync(ProxyProcess.StartedLine, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }

        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>A phone in a home namespace: one UDP socket, its private address in every header it writes.</summary>
internal sealed class LabPhone : IDisposable
{
    private readonly Socket _socket;
    private int _sequence;

    public LabPhone(NatLab lab, int home, string user)
    {
        Home = home;
        User = user;
        _socket = NetworkNamespace.CreateUdp(lab.Home(home));
        _socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Home { get; }

    public string User { get; }

    public int Port { get; }

    public string HostPort => $"{NatLab.Phone(Home)}:{Port}";

    public string Register(int expires = 300) => Request("REGISTER", $"sip:{NatLab.ProxyHost}", $"sip:{User}@{NatLab.ProxyHost}", $"Expires: {expires}\r\n");

    public string Invite(string callee, string? sdp = null) => Request("INVITE", $"sip:{callee}@{NatLab.ProxyHost}", $"sip:{callee}@{NatLab.ProxyHost}", "", sdp);

    /// <summary>A UAS answer to <paramref name="request"/>: its Vias, Record-Routes, From, Call-ID and CSeq, a To tag, and this phone's private Contact.</summary>
    public string Answer(string request, string status, string? sdp = null)
    {
        var lines = request.Split("\r\n");
        var answer = new StringBuilder($"SIP/2.0 {status}\r\n");
        foreach (var line in lines.Skip(1).TakeWhile(l => l.Length > 0))
        {
            if (line.StartsWith("Via:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("Record-Route:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase)
                || line.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase))
            {
                answer.Append(line).Append("\r\n");
            }
            else if (line.StartsWith("To:", StringComparison.OrdinalIgnoreCase))
            {
                answer.Append(line).Append($";tag=t{User}\r\n");
            }
        }

        answer.Append($"Contact: <sip:{User}@{HostPort}>\r\n").Append(Body(sdp));
        return answer.ToString();
    }

    /// <summary>An in-dialog request to the remote target of a 2xx, routed over its Record-Route set (reversed, RFC 3261 12.1.2).</summary>
    public string InDialog(string method, string answer, int cseq, string? sdp = null)
    {
        var lines = answer.Split("\r\n");
        string Header(string name) => lines.First(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))[(name.Length + 1)..].Trim();
        var contact = Header("Contact");
        var target = contact[(contact.IndexOf('<', StringComparison.Ordinal) + 1)..contact.IndexOf('>', StringComparison.Ordinal)];
        var routes = lines.Where(l => l.StartsWith("Record-Route:", StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l["Record-Route:".Length..].Split(','))
            .Select(r => r.Trim())
            .Reverse()
            .ToList();
        var route = routes.Count == 0 ? "" : $"Route: {string.Join(", ", routes)}\r\n";
        return $"{method} {target} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {HostPort};branch=z9hG4bK-{User}-{method}-{cseq}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: {Header("From")}\r\n" +
            $"To: {Header("To")}\r\n" +
            $"Call-ID: {Header("Call-ID")}\r\n" +
            $"CSeq: {cseq} {method}\r\n" +
            $"Contact: <sip:{User}@{HostPort}>\r\n" +
            route +
            Body(sdp);
    }

    /// <summary>The headers that end a message and its body: an SDP offer or answer, or nothing.</summary>
    private static string Body(string? sdp) => sdp is null
        ? "Content-Length: 0\r\n\r\n"
        : $"Content-Type: application/sdp\r\nContent-Length: {Encoding.ASCII.GetByteCount(sdp)}\r\n\r\n{sdp}";

    public async Task SendAsync(string message) =>
        await _socket.SendToAsync(Encoding.ASCII.GetBytes(message), SocketFlags.None, NatProxy.EndPoint);

    /// <summary>The next SIP message to arrive within <paramref name="timeout"/> (keepalive packets skipped), or null.</summary>
    public async Task<string?> ReceiveSipAsync(TimeSpan timeout, Func<string, bool>? accept = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                if (result.ReceivedBytes == 4 && buffer.AsSpan(0, 4).IndexOfAnyExcept((byte)0) < 0)
                {
                    KeepalivesSeen++;
                    continue;
                }

                var text = Encoding.ASCII.GetString(buffer, 0, result.ReceivedBytes);
                if (accept is null || accept(text))
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>How many 4-byte zero keepalives <see cref="ReceiveSipAsync"/> skipped.</summary>
    public int KeepalivesSeen { get; private set; }

    public void Dispose() => _socket.Dispose();

    private string Request(string method, string requestUri, string to, string extra, string? sdp = null)
    {
        int n = ++_sequence;
        return $"{method} {requestUri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {HostPort};branch=z9hG4bK-{User}-{method}-{n}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{User}@{NatLab.ProxyHost}>;tag=t{User}\r\n" +
            $"To: <{to}>\r\n" +
            $"Call-ID: {method}-{User}-{n}@{NatLab.Phone(Home)}\r\n" +
            $"CSeq: {n} {method}\r\n" +
            $"Contact: <sip:{User}@{HostPort}>\r\n" +
            extra +
            Body(sdp);
    }
}
