using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AuthCodes.Functions;

/// <summary>
/// The worker's OpenTelemetry, exported to Application Insights by the Azure Monitor exporter when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set. The host (<c>"telemetryMode": "OpenTelemetry"</c>
/// in host.json) records each request and Service Bus message; the worker adds, in the same trace, its
/// invocation span, the projection's span per event and the Cosmos SDK's operation spans (both sources
/// registered by the projection and the store themselves), its logs, and the projection's and
/// ASP.NET Core's metrics.
/// </summary>
internal static class FunctionsTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The host's own setting for Entra ingestion (<c>ClientId=…;Authorization=AAD</c>), honoured by the worker's exporter too.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddAzureMonitorTelemetryWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[ConnectionStringSetting] is not { Length: > 0 } connectionString)
        {
            return services;
        }

        var credential = IngestionCredential(configuration[AuthenticationStringSetting]);
        services.AddFunctionsTelemetry().UseAzureMonitorExporter(options =>
        {
            options.ConnectionString = connectionString;
            options.Credential = credential;
        });
        return services;
    }

    /// <summary>What the worker traces and measures, whatever the exporter.</summary>
    public static IOpenTelemetryBuilder AddFunctionsTelemetry(this IServiceCollection services) =>
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            // The host already records each HTTP request (requests), so no worker-side server span; its metrics are the worker's only HTTP metrics.
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation());

    /// <summary>
    /// The identity that ingests when the resource refuses local (key) authentication, named by the
    /// authentication string: a user-assigned one by its client id, else the system-assigned one; null
    /// (the connection string's key) without <c>Authorization=AAD</c>.
    /// </summary>
    internal static TokenCredential? IngestionCredential(string? authenticationString) =>
        UsesEntraIngestion(authenticationString, out var clientId)
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : null;

    /// <summary>Reads <c>Authorization=AAD</c> and the optional <c>ClientId=…</c> of an authentication string.</summary>
    internal static bool UsesEntraIngestion(string? authenticationString, out string? clientId)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (authenticationString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Split('=', 2, StringSplitOptions.TrimEntries) is [var key, { Length: > 0 } value])
            {
                parts[key] = value;
            }
        }

        clientId = parts.GetValueOrDefault("ClientId");
        return parts.TryGetValue("Authorization", out var authorization) && string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase);
    }
}
