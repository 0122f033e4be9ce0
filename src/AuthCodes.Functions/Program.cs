using AuthCodes.Api;
using AuthCodes.Functions;
using AuthCodes.Cosmos;
using AuthCodes.Projection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddAuthorizationCodesServices()
    // Unlike the local host, the deployed app accepts exactly one source and refuses to start without Events:Source.
    .RequireEventSource()
    // Cosmos DB (section Cosmos, or the CosmosDb__accountEndpoint/__clientId identity settings)
    // unless Store=embedded asks for the in-process store.
    .AddReadModelStore(builder.Configuration, defaultStore: ReadModelStoreSelection.Cosmos)
    // Traces, metrics and logs to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set.
    .AddAzureMonitorTelemetryWhenConfigured(builder.Configuration);

builder.Build().Run();
