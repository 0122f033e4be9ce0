using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCodes.LocalHost;

/// <summary>
/// Optional OpenTelemetry for the local host, exported over OTLP (an Aspire dashboard, a collector, Jaeger)
/// only when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured; without it nothing is collected.
/// </summary>
internal static class OtlpTelemetry
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddOtlpTelemetryWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration[EndpointSetting]))
        {
            // The exporter reads the endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* settings.
            services.AddLocalHostTelemetry().UseOtlpExporter();
        }

        return services;
    }

    /// <summary>
    /// What the local host traces and measures, whatever the exporter: ASP.NET Core's request spans and
    /// metrics, and what the projection (its span per event, its meter) and the Cosmos store (the SDK's
    /// operation spans) register for themselves, under the request that caused them.
    /// </summary>
    public static IOpenTelemetryBuilder AddLocalHostTelemetry(this IServiceCollection services) =>
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation());
}
