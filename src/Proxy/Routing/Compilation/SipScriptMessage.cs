using System.Text;
using NatEdge.Proxy.Sip.Message;
using NatEdge.Proxy.Sip.Writing;

namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// The script's view of a parsed <see cref="SipMessage"/>. Reads come from the message's
/// header index and its cached value parsers; edits go into its splice list, so the
/// original bytes stay as received (textops search() relies on that). A worker keeps one
/// view and re-points it at each message with <see cref="Reset"/>.
/// </summary>
public sealed class SipScriptMessage : IScriptMessage
{
    private byte[] _rewrittenUri = new byte[256];
    private int _rewrittenUriLength = -1;

    public SipMessage Sip { get; private set; } = null!;

    public bool IsRequest => Sip.IsRequest;

    public ReadOnlySpan<byte> Method =>
        Sip.IsRequest ? Sip[Sip.MethodName] : Sip.TryGetCSeq(out var cseq) ? Sip[cseq.MethodName] : default;

    public ReadOnlySpan<byte> RequestUri =>
        _rewrittenUriLength >= 0 ? _rewrittenUri.AsSpan(0, _rewrittenUriLength) : Sip.IsRequest ? Sip[Sip.RequestUri] : default;

    public int StatusCode => Sip.IsRequest ? 0 : Sip.StatusCode;

    public ReadOnlySpan<byte> FromUri => Sip.TryGetFrom(out var from) ? Sip[from.Uri] : default;

    public ReadOnlySpan<byte> ToUri => Sip.TryGetTo(out var to) ? Sip[to.Uri] : default;

    public ReadOnlySpan<byte> Original => Sip.Span;

    public SipScriptMessage Reset(SipMessage message)
    {
        Sip = message;
        _rewrittenUriLength = -1;
        return this;
    }

    /// <summary>
    /// Replaces the Request-URI the script sees (lookup(), rewriteuri): later uri tests
    /// and the forwarding code read the new value; the received bytes are not touched.
    /// </summary>
    public void RewriteRequestUri(ReadOnlySpan<byte> uri)
    {
        if (_rewrittenUri.Length < uri.Length)
        {
            _rewrittenUri = new byte[Math.Max(uri.Length, _rewrittenUri.Length * 2)];
        }

        uri.CopyTo(_rewrittenUri);
        _rewrittenUriLength = uri.Length;
    }

    /// <summary>True when the script rewrote the Request-URI.</summary>
    public bool IsRequestUriRewritten => _rewrittenUriLength >= 0;

    public bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var index = Sip.IndexOf(name);
        value = index >= 0 ? Sip[Sip.GetHeader(index).Value] : default;
        return index >= 0;
    }

    public void ReplaceHeaderValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var index = Sip.IndexOf(name);
        if (index < 0)
        {
            return;
        }

        var range = Sip.GetHeader(index).Value;
        if (!IsEdited(range.Offset, range.Length))
        {
            SipMessageWriter.Replace(Sip, range, value);
        }
    }

    public void AppendHeaderLine(ReadOnlySpan<byte> line) => Sip.Edits.Insert(Sip.HeaderSectionEnd, line);

    public int RemoveHeaders(ReadOnlySpan<byte> name)
    {
        var removed = 0;
        for (var i = 0; i < Sip.HeaderCount; i++)
        {
            var entry = Sip.GetHeader(i);
            if (Ascii.EqualsIgnoreCase(Sip[entry.Name], name) && !IsEdited(entry.Line.Offset, entry.Line.Length))
            {
                SipMessageWriter.RemoveHeader(Sip, i);
                removed++;
            }
        }

        return removed;
    }

    // An earlier action already rewrote or removed these bytes; a second edit would overlap it.
    // SER's lumps would apply both; NatEdge keeps the first, which is what the script meant.
    private bool IsEdited(int offset, int length)
    {
        if (!Sip.HasEdits)
        {
            return false;
        }

        var edits = Sip.Edits;
        for (var i = 0; i < edits.Count; i++)
        {
            var splice = edits[i];
            if (splice.Length > 0 && splice.Offset < offset + length && offset < splice.End)
            {
                return true;
            }
        }

        return false;
    }
}
