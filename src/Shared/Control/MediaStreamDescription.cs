namespace NatEdge.Shared.Control;

/// <summary>
/// One entry of the <c>media</c> header (spec §1.3): <c>type:ip:port:direction[:key=value...]</c>.
/// </summary>
/// <param name="MediaType">The m-line media token (audio, video, image, ...).</param>
/// <param name="Address">Effective connection address as IPv4 text; <c>0.0.0.0</c> means hold.</param>
/// <param name="Port">m-line port; 0 means the stream is disabled or rejected.</param>
/// <param name="Direction">First direction attribute of the stream, else the session's, else sendrecv.</param>
/// <param name="Ice">true for <c>ice=yes</c>, false for <c>ice=no</c>, null when the sender wrote no ice attribute (older modules).</param>
/// <param name="Asymmetric">NatEdge extension <c>asymmetric=yes</c> (spec §9): re-latch when the source changes.</param>
public sealed record MediaStreamDescription(
    string MediaType,
    string Address,
    int Port,
    MediaDirection Direction,
    bool? Ice = null,
    bool Asymmetric = false)
{
    public const string HoldAddress = "0.0.0.0";

    public bool IsHoldAddress => Address == HoldAddress;
}
