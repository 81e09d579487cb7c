using NatEdge.Proxy.Telemetry;

namespace NatEdge.Proxy.Tests.Telemetry;

/// <summary>Prometheus label values are lower snake case (the naming guide's style for labels).</summary>
public sealed class MetricLabelsTests
{
    [Theory]
    [InlineData("MalformedStartLine", "malformed_start_line")]
    [InlineData("MalformedCSeq", "malformed_cseq")]
    [InlineData("TimedOut", "timed_out")]
    [InlineData("Answered", "answered")]
    public void Enum_names_become_snake_case(string name, string expected) => MetricLabels.SnakeCase(name).ShouldBe(expected);
}
