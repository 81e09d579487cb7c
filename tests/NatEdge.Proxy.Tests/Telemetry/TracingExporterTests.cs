using NatEdge.Proxy.Telemetry;
using NatEdge.Proxy.Tests.Transport;

namespace NatEdge.Proxy.Tests.Telemetry;

/// <summary>
/// Traces are off unless the OpenTelemetry environment variables ask for an OTLP exporter
/// (OpenTelemetry SDK configuration: OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_*).
/// A provider built here listens to every proxy span of the process while it lives, so these tests
/// never overlap the allocation measurements.
/// </summary>
[Collection(nameof(AllocationMeasurement))]
public sealed class TracingExporterTests
{
    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "OTEL_TRACES_EXPORTER=otlp" }, true)]
    [InlineData(new[] { "OTEL_TRACES_EXPORTER=console,otlp" }, true)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317" }, true)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces" }, true)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317", "OTEL_TRACES_EXPORTER=none" }, false)]
    [InlineData(new[] { "OTEL_TRACES_EXPORTER=otlp", "OTEL_SDK_DISABLED=true" }, false)]
    [InlineData(new[] { "OTEL_SERVICE_NAME=edge-1" }, false)]
    public void The_exporter_runs_only_when_the_environment_asks_for_otlp(string[] variables, bool enabled)
    {
        var environment = variables.Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        TracingExporter.IsEnabled(environment.GetValueOrDefault).ShouldBe(enabled);
    }

    [Fact]
    public void Without_the_variables_no_tracer_provider_is_built()
    {
        TracingExporter.StartFromEnvironment("natedge-proxy", _ => null).ShouldBeNull();
    }

    [Fact]
    public void With_an_otlp_endpoint_a_tracer_provider_is_built_for_the_proxy_s_source()
    {
        using var provider = TracingExporter.StartFromEnvironment("natedge-proxy", name => name == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:4317" : null);

        provider.ShouldNotBeNull();
        ProxyTracing.Source.HasListeners().ShouldBeTrue();
    }
}
