using System.Buffers;

namespace NatEdge.Proxy.Transactions.Proxying;

/// <summary>
/// Adds header lines that depend on the branch's next hop, written right after the proxy's Via
/// (Record-Route, which needs the outgoing interface to decide on a second entry when the request
/// changes transport or interface). Kept by the response context for branches forked later.
/// </summary>
public interface IBranchHeaderWriter
{
    /// <summary>Writes complete header lines, each ending in CRLF.</summary>
    void WriteHeaders(in NextHop hop, IBufferWriter<byte> output);
}
