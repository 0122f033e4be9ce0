using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Cosmos;

/// <summary>
/// The store's two containers on the singleton <see cref="CosmosClient"/>, made ready once: with a
/// key and <see cref="CosmosStoreOptions.CreateIfMissing"/> the database and containers are created
/// from <see cref="CosmosContainerDefinition"/>; otherwise (Entra ID: data-plane roles cannot create
/// or change them) their properties are read and compared with the definition, and a difference
/// fails fast with a message naming it. A failed start is retried on the next call.
/// </summary>
public sealed partial class CosmosContainers(CosmosClient client, CosmosStoreOptions options, ILogger<CosmosContainers> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    // A reference, published once: a reader sees null or the whole pair, never half of a struct being written.
    private volatile ContainerPair? ready;

    public CosmosClient Client => client;

    public void Dispose() => gate.Dispose();

    public async ValueTask<Container> CodesAsync(CancellationToken cancellationToken) =>
        (ready ?? await EnsureReadyAsync(cancellationToken)).Codes;

    public async ValueTask<Container> EntitiesAsync(CancellationToken cancellationToken) =>
        (ready ?? await EnsureReadyAsync(cancellationToken)).Entities;

    public async Task<ContainerPair> EnsureReadyAsync(CancellationToken cancellationToken)
    {
        if (ready is { } done)
        {
            return done;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (ready is { } raced)
            {
                return raced;
            }

            var codes = CosmosContainerDefinition.Codes(options.CodesContainer, options.DeclareReversedCompositeIndexes);
            var entities = CosmosContainerDefinition.Entities(options.EntitiesContainer);
            if (options.UsesKey && options.CreateIfMissing)
            {
                var database = (await client.CreateDatabaseIfNotExistsAsync(options.Database, cancellationToken: cancellationToken)).Database;
                await database.CreateContainerIfNotExistsAsync(codes, cancellationToken: cancellationToken);
                await database.CreateContainerIfNotExistsAsync(entities, cancellationToken: cancellationToken);
                LogCreated(logger, options.Database, options.CodesContainer, options.EntitiesContainer);
            }
            else
            {
                await VerifyAsync(codes, cancellationToken);
                await VerifyAsync(entities, cancellationToken);
            }

            var result = new ContainerPair(client.GetContainer(options.Database, options.CodesContainer), client.GetContainer(options.Database, options.EntitiesContainer));
            ready = result;
            return result;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task VerifyAsync(ContainerProperties expected, CancellationToken cancellationToken)
    {
        ContainerProperties actual;
        try
        {
            actual = (await client.GetContainer(options.Database, expected.Id).ReadContainerAsync(cancellationToken: cancellationToken)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException(
                $"Cosmos container '{options.Database}/{expected.Id}' does not exist. Deploy it from the infrastructure (Entra ID roles cannot create containers), or configure Cosmos:AccountKey with Cosmos:CreateIfMissing for an emulator.", e);
        }

        var differences = CosmosContainerDefinition.Differences(expected, actual);
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cosmos container '{options.Database}/{expected.Id}' differs from the definition this build expects (CosmosContainerDefinition, also compiled into the Bicep): {string.Join("; ", differences)}. Redeploy the infrastructure of this version.");
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Cosmos database {Database} with containers {Codes} and {Entities} is ready (created where missing).")]
    private static partial void LogCreated(ILogger logger, string database, string codes, string entities);
}

/// <summary>The store's two containers, once made ready.</summary>
public sealed record ContainerPair(Container Codes, Container Entities);
