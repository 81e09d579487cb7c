namespace NatEdge.Proxy.Routing.Compilation;

/// <summary>
/// What the route script reads from and edits in the SIP message being routed.
/// Everything is bytes: the script compares against pre-encoded constants, so
/// routing a message creates no strings.
/// </summary>
public interface IScriptMessage
{
    bool IsRequest { get; }

    /// <summary>The request method; for a reply, the method of its CSeq (as SER does).</summary>
    ReadOnlySpan<byte> Method { get; }

    /// <summary>The current Request-URI, after any rewrite the script made.</summary>
    ReadOnlySpan<byte> RequestUri { get; }

    /// <summary>The status code of a reply; 0 for a request.</summary>
    int StatusCode { get; }

    /// <summary>The URI of the From header, or empty when it is missing or unparsable.</summary>
    ReadOnlySpan<byte> FromUri { get; }

    /// <summary>The URI of the To header, or empty when it is missing or unparsable.</summary>
    ReadOnlySpan<byte> ToUri { get; }

    /// <summary>The message exactly as received (textops search() works on this, never on edits).</summary>
    ReadOnlySpan<byte> Original { get; }

    /// <summary>The value of the first header of that name (case-insensitive, compact forms included).</summary>
    bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value);

    /// <summary>Replaces the value of the first header of that name.</summary>
    void ReplaceHeaderValue(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);

    /// <summary>Adds a whole header line (with its CRLF) after the last header.</summary>
    void AppendHeaderLine(ReadOnlySpan<byte> line);

    /// <summary>Removes every header with exactly that name (case-insensitive); returns how many.</summary>
    int RemoveHeaders(ReadOnlySpan<byte> name);
}
