namespace NatEdge.IntegrationTests.LoadTest;

/// <summary>
/// The smoke runs of the load pack run one after another: each offers load on purpose and judges
/// response times, so two at once on the same cores would each measure the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LoadRunsCollection
{
    public const string Name = "Load runs";
}
