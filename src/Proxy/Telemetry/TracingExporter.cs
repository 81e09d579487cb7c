using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NatEdge.Proxy.Telemetry;

/// <summary>
/// Exports the spans of <see cref="ProxyTracing"/> over OTLP when the environment asks for it, with
/// the OpenTelemetry variables every SDK reads: on when <c>OTEL_TRACES_EXPORTER=otlp</c>, or when an
/// OTLP endpoint is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>)
/// and <c>OTEL_TRACES_EXPORTER</c> is not <c>none</c>; off when <c>OTEL_SDK_DISABLED=true</c>, and off
/// by default. The exporter itself reads the endpoint, protocol, headers and timeout variables, the
/// SDK <c>OTEL_SERVICE_NAME</c>, <c>OTEL_RESOURCE_ATTRIBUTES</c> and the batch <c>OTEL_BSP_*</c> ones.
/// </summary>
public static class TracingExporter
{
    /// <summary>The tracer provider to dispose at shutdown (which flushes the spans still queued), or null when off.</summary>
    public static TracerProvider? StartFromEnvironment(string serviceName, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!IsEnabled(environment))
        {
            return null;
        }

        var builder = Sdk.CreateTracerProviderBuilder().AddSource(ProxyTracing.SourceName);
        if (string.IsNullOrEmpty(environment("OTEL_SERVICE_NAME")))
        {
            // Without OTEL_SERVICE_NAME the SDK would report "unknown_service".
            builder.ConfigureResource(resource => resource.AddService(serviceName));
        }

        return builder.AddOtlpExporter().Build();
    }

    public static bool IsEnabled(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (string.Equals(environment("OTEL_SDK_DISABLED")?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var exporters = environment("OTEL_TRACES_EXPORTER");
        if (!string.IsNullOrWhiteSpace(exporters))
        {
            return exporters.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
        }

        return !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }
}
