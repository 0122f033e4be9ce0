using AuthCodes.ReadModel;
using Azure.Core;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace AuthCodes.Cosmos;

public static class CosmosServiceCollectionExtensions
{
    /// <summary>The Cosmos SDK's span per operation (read, upsert, query), with its request charge and status codes.</summary>
    public const string OperationActivitySource = "Azure.Cosmos.Operation";

    private const string AzureActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    /// <summary>
    /// Registers the Cosmos stores (<see cref="CosmosReadModelStore"/>) under the four store ports, one singleton
    /// <see cref="CosmosClient"/>, and a hosted service that makes the containers ready at start-up
    /// (created with a key, verified under Entra ID). <paramref name="configureClient"/> lets test or
    /// local configuration add client options (never used in production).
    /// </summary>
    public static IServiceCollection AddCosmosReadModelStore(this IServiceCollection services, Action<CosmosClientOptions>? configureClient = null)
    {
        services.AddOptions<CosmosStoreOptions>()
            .BindConfiguration(CosmosStoreOptions.SectionName)
            .Configure<IConfiguration>(ApplyConventions)
            .Configure<IOptions<CodeRetentionOptions>>((options, retention) => options.CodeGracePeriod = retention.Value.CodeGracePeriod)
            .Validate(o => Uri.TryCreate(o.AccountEndpoint, UriKind.Absolute, out _), "Cosmos:AccountEndpoint (or CosmosDb__accountEndpoint) must be an absolute URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Database) && !string.IsNullOrWhiteSpace(o.CodesContainer) && !string.IsNullOrWhiteSpace(o.EntitiesContainer), "Cosmos:Database, Cosmos:CodesContainer and Cosmos:EntitiesContainer must not be empty.")
            .ValidateOnStart();
        services.AddCodeRetention();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var customizations = sp.GetServices<CosmosClientCustomization>().ToArray();
            return CreateClient(sp.GetRequiredService<IOptions<CosmosStoreOptions>>().Value, options =>
            {
                configureClient?.Invoke(options);
                foreach (var customization in customizations)
                {
                    customization.Configure(options);
                }
            });
        });
        services.TryAddSingleton(sp => new CosmosContainers(
            sp.GetRequiredService<CosmosClient>(), sp.GetRequiredService<IOptions<CosmosStoreOptions>>().Value, sp.GetRequiredService<ILogger<CosmosContainers>>()));
        services.Replace(ServiceDescriptor.Singleton(sp => CosmosReadModelStore.Create(
            sp.GetRequiredService<CosmosContainers>(),
            sp.GetRequiredService<IOptions<CosmosStoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CosmosReadModelStore)))));
        services.Replace(ServiceDescriptor.Singleton(sp => sp.GetRequiredService<ReadModelStores>().Codes));
        services.Replace(ServiceDescriptor.Singleton(sp => sp.GetRequiredService<ReadModelStores>().Snapshots));
        services.Replace(ServiceDescriptor.Singleton(sp => sp.GetRequiredService<ReadModelStores>().Views));
        services.Replace(ServiceDescriptor.Singleton(sp => sp.GetRequiredService<ReadModelStores>().RejectedEvents));
        services.AddHostedService<CosmosStartup>();
        // The SDK's operation spans join whatever tracer provider the host builds, under the span that caused them.
        EnableOperationSpans();
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(OperationActivitySource));
        return services;
    }

    /// <summary>
    /// Fills what the <c>Cosmos</c> section leaves empty from the Functions identity convention
    /// (<c>CosmosDb__accountEndpoint</c>, <c>CosmosDb__clientId</c>).
    /// </summary>
    internal static void ApplyConventions(CosmosStoreOptions options, IConfiguration configuration)
    {
        var functions = configuration.GetSection(CosmosStoreOptions.FunctionsConnectionSection);
        if (string.IsNullOrWhiteSpace(options.AccountEndpoint))
        {
            options.AccountEndpoint = functions["accountEndpoint"];
        }

        if (string.IsNullOrWhiteSpace(options.ManagedIdentityClientId))
        {
            options.ManagedIdentityClientId = functions["clientId"];
        }
    }

    /// <summary>The one client: System.Text.Json items, 429s retried by the SDK with bounded waits, key only for emulators.</summary>
    public static CosmosClient CreateClient(CosmosStoreOptions options, Action<CosmosClientOptions>? configureClient = null)
    {
        EnableOperationSpans();
        var clientOptions = new CosmosClientOptions
        {
            UseSystemTextJsonSerializerWithOptions = CosmosJson.Options,
            ApplicationName = "authcodes-functions",
            MaxRetryAttemptsOnRateLimitedRequests = 9,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(30),
            EnableContentResponseOnWrite = false,
            // Off by default in the SDK; without a listener for OperationActivitySource it costs nothing.
            CosmosClientTelemetryOptions = new CosmosClientTelemetryOptions { DisableDistributedTracing = false },
        };
        if (options.GatewayOnly)
        {
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
        }

        configureClient?.Invoke(clientOptions);
        var endpoint = options.AccountEndpoint ?? throw new InvalidOperationException("Cosmos:AccountEndpoint is not configured.");
        return options.UsesKey
            ? new CosmosClient(endpoint, options.AccountKey, clientOptions)
            : new CosmosClient(endpoint, Credential(options), clientOptions);
    }

    /// <summary>
    /// The SDK starts its operation spans through Azure.Core, which keeps them off unless this switch is on
    /// and reads it once, when the process first uses an Azure SDK client (the exporter's credential, say):
    /// so it is set when a host composes the store, and again for clients made outside a host.
    /// </summary>
    private static void EnableOperationSpans() => AppContext.SetSwitch(AzureActivitySourceSwitch, true);

    /// <summary>A user-assigned identity needs its client id; without one, DefaultAzureCredential (developer sign-in, system identity).</summary>
    internal static TokenCredential Credential(CosmosStoreOptions options) =>
        string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));

    /// <summary>Creates or verifies the containers before the host serves anything (fails start-up on a mismatch).</summary>
    private sealed class CosmosStartup(CosmosContainers containers) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => containers.EnsureReadyAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
