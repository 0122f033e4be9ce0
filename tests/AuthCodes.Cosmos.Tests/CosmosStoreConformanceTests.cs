using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>The conformance suites on Cosmos: every test gets its own empty pair of containers.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosCodeReadStoreTests(LocalCosmosServer server) : CodeReadStoreConformance
{
    protected override async Task<ReadModelStores> CreateStoresAsync() => await CosmosStores.CreateAsync(server, "conformance");
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosSnapshotStoreTests(LocalCosmosServer server) : SnapshotStoreConformance
{
    protected override async Task<ReadModelStores> CreateStoresAsync() => await CosmosStores.CreateAsync(server, "conformance");
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosViewStoreTests(LocalCosmosServer server) : ViewStoreConformance
{
    protected override async Task<ReadModelStores> CreateStoresAsync() => await CosmosStores.CreateAsync(server, "conformance");
}

[Collection(CosmosCollection.Name)]
public sealed class CosmosRejectedEventStoreTests(LocalCosmosServer server) : RejectedEventStoreConformance
{
    protected override async Task<ReadModelStores> CreateStoresAsync() => await CosmosStores.CreateAsync(server, "conformance");
}

/// <summary>Cosmos stores for tests, each on a new pair of containers of the local server.</summary>
internal static class CosmosStores
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ReadModelStores, CosmosStoreOptions> Options = [];
    private static int counter;

    /// <summary>A store on new containers, through <paramref name="client"/> when given (one with extra handlers), else the server's.</summary>
    internal static async Task<ReadModelStores> CreateAsync(LocalCosmosServer server, string database, TimeProvider? time = null, CosmosClient? client = null)
    {
        var suffix = $"{Interlocked.Increment(ref counter)}-{Guid.NewGuid():N}";
        var options = server.Options(database, suffix);
        var store = await OnContainersAsync(client ?? server.Client, options, time ?? TimeProvider.System);
        Options.Add(store, options);
        return store;
    }

    /// <summary>Another store object (as another host would have) on the containers of <paramref name="first"/>.</summary>
    internal static async Task<ReadModelStores> SecondStoreOnSameContainersAsync(LocalCosmosServer server, ReadModelStores first, TimeProvider time)
    {
        var options = Options.TryGetValue(first, out var found) ? found : throw new InvalidOperationException("Not a store of this fixture.");
        return await OnContainersAsync(server.Client, options, time);
    }

    private static async Task<ReadModelStores> OnContainersAsync(CosmosClient client, CosmosStoreOptions options, TimeProvider time)
    {
        var containers = new CosmosContainers(client, options, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(CancellationToken.None);
        return CosmosReadModelStore.Create(containers, options, time, NullLogger.Instance);
    }
}
