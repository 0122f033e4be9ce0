using System.Text.Json;
using System.Text.RegularExpressions;
using AuthCodes.Cosmos;
using AuthCodes.Follow;
using AuthCodes.Projection;
using AuthCodes.Publishing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Cli;

/// <summary>Where <c>rebuild</c> projects: a new container pair <c>codes-&lt;suffix&gt;</c> and <c>entities-&lt;suffix&gt;</c>.</summary>
internal sealed partial record RebuildSettings(string Endpoint, string? Key, string Database, string Suffix, TimeSpan CodeGracePeriod, string Source)
{
    public string CodesContainer => $"codes-{Suffix}";

    public string EntitiesContainer => $"entities-{Suffix}";

    /// <summary>What the infrastructure accepts in a container name suffix (infra/types.bicep).</summary>
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    public static partial Regex SuffixPattern();
}

/// <summary>
/// The read model a rebuild writes: the same composition the hosts use (the Cosmos store, then the
/// projection core and its intake) over the new container pair, so a rebuilt pair holds exactly
/// what the Functions app would have projected from the same events.
/// </summary>
internal sealed class RebuildTarget : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private RebuildTarget(ServiceProvider services) => this.services = services;

    public ChangeEventIntake Intake => services.GetRequiredService<ChangeEventIntake>();

    public static RebuildTarget Create(RebuildSettings settings, TimeProvider time, Action<CosmosClientOptions>? configureClient)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Events:Source"] = settings.Source,
            ["Events:CodeGracePeriod"] = settings.CodeGracePeriod.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Cosmos:AccountEndpoint"] = settings.Endpoint,
            ["Cosmos:AccountKey"] = settings.Key,
            ["Cosmos:Database"] = settings.Database,
            ["Cosmos:CodesContainer"] = settings.CodesContainer,
            ["Cosmos:EntitiesContainer"] = settings.EntitiesContainer,
            // A key means an emulator or a local server: talk to the endpoint as given.
            ["Cosmos:GatewayOnly"] = settings.Key is null ? "false" : "true",
        }).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(time)
            // Store warnings (slow calls, conflicts) go to stderr; one log line per event would drown the progress.
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddCosmosReadModelStore(configureClient)
            .AddChangeEventProjection();
        return new RebuildTarget(services.BuildServiceProvider());
    }

    /// <summary>Creates the pair (with a key) or checks it exists as defined (Entra ID: the infrastructure created it).</summary>
    public Task PrepareAsync(CancellationToken cancellationToken) =>
        services.GetRequiredService<CosmosContainers>().EnsureReadyAsync(cancellationToken);

    /// <summary>True when neither container holds an item: a guard against rebuilding into the pair the app serves.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        var containers = services.GetRequiredService<CosmosContainers>();
        foreach (var container in new[] { await containers.CodesAsync(cancellationToken), await containers.EntitiesAsync(cancellationToken) })
        {
            using var query = container.GetItemQueryIterator<JsonElement>("SELECT TOP 1 c.id FROM c");
            while (query.HasMoreResults)
            {
                if ((await query.ReadNextAsync(cancellationToken)).Count > 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>
/// Applies events straight through the intake (<see cref="IntakeSink"/>, one at a time) instead of
/// sending them, with a progress line every thousand: applied or ignored counts as sent, a rejection
/// is reported with its reason. Any other failure stops the run: that event failed, the rest were not sent.
/// </summary>
internal sealed class ProjectingSink(ChangeEventIntake intake, TextWriter progress) : IChangeEventSink
{
    private const int ProgressEvery = 1000;

    private readonly IntakeSink projector = new(intake);

    public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        var results = new List<PublishResult>(events.Count);
        foreach (var chunk in events.Chunk(ProgressEvery))
        {
            if (results.Count > 0 && results[^1].Status is PublishStatus.Failed or PublishStatus.NotSent)
            {
                results.AddRange(chunk.Select(e => new PublishResult(e, PublishStatus.NotSent, "an earlier event could not be projected")));
                continue;
            }

            results.AddRange((await projector.PublishAsync(chunk, cancellationToken)).Results);
            await progress.WriteLineAsync($"projected {results.Count} of {events.Count}");
        }

        return new PublishReport(results);
    }
}
