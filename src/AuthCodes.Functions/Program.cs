using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.Functions;
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
    .AddAuthorizationCodesApi()
    .AddBearerAuthentication()
    // The read-model store: embedded (in-process) until the Cosmos DB store lands; swap this one line then.
    .AddEmbeddedReadModelStore()
    // The projector behind ProjectChangeEvent. Unlike the local host, the deployed app accepts exactly
    // one source and refuses to start without Events:Source.
    .AddChangeEventProjection()
    .RequireEventSource()
    .AddEventAdministration()
    .AddHostedService<ProjectionMetricsForwarder>();

builder.Build().Run();
