using System.Buffers;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Transactions.Proxying;

namespace NatEdge.Proxy.Modules.Rr;

/// <summary>
/// The Record-Route entry a request gets from record_route() or record_route_preset()
/// (route-script.md section 5, RFC 3261 section 16.6 step 4). Written per branch, because the
/// second entry of double record-routing depends on the interface the branch leaves on: when it
/// differs from the one the request came in on (UDP in, TCP out), two entries are written, the
/// outgoing one on top, both marked ";r2=on" as SER does, so each side of the dialog reaches the
/// proxy over its own transport and loose_route() knows to remove both.
/// </summary>
public sealed class RecordRouteHeader : IBranchHeaderWriter
{
    private readonly RecordRouteSettings _settings;
    private readonly byte[] _user;
    private readonly byte[] _fromTag;
    private readonly byte[]? _preset;
    private readonly SipInterface _inbound;

    private RecordRouteHeader(RecordRouteSettings settings, SipMessage request, byte[]? preset, SipInterface inbound)
    {
        _settings = settings;
        _preset = preset;
        _inbound = inbound;
        _user = request.TryGetRequestUri(out var uri) && uri.User.IsPresent ? request[uri.User].ToArray() : [];
        _fromTag = settings.AppendFromTag && request.TryGetFrom(out var from) && from.Tag.IsPresent ? request[from.Tag].ToArray() : [];
    }

    /// <summary>record_route(): the address of the interface the request came in on (and of the one it leaves on, if different).</summary>
    public static RecordRouteHeader ForInterface(SipMessage request, SipInterface inbound, RecordRouteSettings? settings = null)
        => new(settings ?? RecordRouteSettings.Default, request, null, inbound);

    /// <summary>record_route_preset("host:port;params"): the given text right after "sip:[user@]", then ;ftag and ;lr.</summary>
    public static RecordRouteHeader FromPreset(SipMessage request, ReadOnlySpan<byte> preset, RecordRouteSettings? settings = null)
        => new(settings ?? RecordRouteSettings.Default, request, preset.ToArray(), default);

    public void WriteHeaders(in NextHop hop, IBufferWriter<byte> output)
    {
        if (_preset is not null)
        {
            WriteLine(output, _preset, transport: default, r2: false);
            return;
        }

        if (_settings.DoubleRecordRoute && !_inbound.SameAs(hop.ViaTransport.Span, hop.ViaSentBy.Span))
        {
            WriteLine(output, hop.ViaSentBy.Span, hop.ViaTransport.Span, r2: true);
            WriteLine(output, _inbound.HostPort.Span, _inbound.Transport.Span, r2: true);
            return;
        }

        WriteLine(output, _inbound.HostPort.Span, _inbound.Transport.Span, r2: false);
    }

    private void WriteLine(IBufferWriter<byte> output, ReadOnlySpan<byte> address, ReadOnlySpan<byte> transport, bool r2)
    {
        Write(output, "Record-Route: <sip:"u8);
        if (_user.Length > 0)
        {
            Write(output, _user);
            Write(output, "@"u8);
        }

        Write(output, address);
        // UDP is the default transport of a sip URI (RFC 3261 section 19.1.1); any other is named.
        if (!transport.IsEmpty && !System.Text.Ascii.EqualsIgnoreCase(transport, "UDP"u8))
        {
            Write(output, ";transport="u8);
            var lower = output.GetSpan(transport.Length);
            System.Text.Ascii.ToLower(transport, lower, out var written);
            output.Advance(written);
        }

        if (r2)
        {
            Write(output, ";r2=on"u8);
        }

        if (_fromTag.Length > 0)
        {
            Write(output, ";ftag="u8);
            Write(output, _fromTag);
        }

        Write(output, _settings.FullLr ? ";lr=on>\r\n"u8 : ";lr>\r\n"u8);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
