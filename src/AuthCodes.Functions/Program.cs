using AuthCodes.Api;
using AuthCodes.Functions;
using AuthCodes.Cosmos;
using AuthCodes.Projection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();
// The Application Insights logger provider defaults to Warning and up; let the worker's Logging:LogLevel decide.
builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
{
    var warningOnly = options.Rules.FirstOrDefault(rule =>
        rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
    if (warningOnly is not null)
    {
        options.Rules.Remove(warningOnly);
    }
});

builder.Services
    .AddAuthorizationCodesServices()
    // Unlike the local host, the deployed app accepts exactly one source and refuses to start without Events:Source.
    .RequireEventSource()
    .AddHostedService<ProjectionMetricsForwarder>()
    // Cosmos DB (section Cosmos, or the CosmosDb__accountEndpoint/__clientId identity settings)
    // unless Store=embedded asks for the in-process store.
    .AddReadModelStore(builder.Configuration, defaultStore: ReadModelStoreSelection.Cosmos);

builder.Build().Run();
