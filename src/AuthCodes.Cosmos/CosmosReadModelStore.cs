using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Cosmos;

/// <summary>
/// The read model on Azure Cosmos DB (NoSQL API). Two containers (see
/// <see cref="CosmosContainerDefinition"/> and docs/cosmos-design.md): <c>codes</c> holds the listed
/// code documents (partition key <c>/id</c>: every code write and read is a point operation), and
/// <c>entities</c> holds snapshots, user and provider views and rejected events (partition key
/// <c>/partition</c>: the kind, so membership look-ups are single-partition queries).
/// </summary>
public static class CosmosReadModelStore
{
    /// <summary>The four ports over <paramref name="containers"/>; <paramref name="logger"/> gets slow and failed calls.</summary>
    public static ReadModelStores Create(CosmosContainers containers, CosmosStoreOptions options, TimeProvider time, ILogger logger)
    {
        var calls = new CosmosCalls(containers, options, logger);
        var mapping = new CosmosItemMapping(options, time);
        // Code writes through the view store drop the boundaries the listing remembered.
        var boundaries = new PageBoundaryCache(options.PageBoundaryCacheLifetime, time);
        var views = new CosmosViewStore(calls, mapping, boundaries);
        return new ReadModelStores(
            new CosmosCodeReadStore(calls, new CosmosCodeListing(calls, boundaries), views),
            new CosmosSnapshotStore(calls, mapping),
            views,
            new CosmosRejectedEventStore(calls, mapping));
    }
}
