using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>The store conformance suite on Cosmos: every test gets its own empty pair of containers.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosReadModelStoreTests(LocalCosmosServer server) : ReadModelStoreConformance
{
    private static int counter;

    protected override async Task<IReadModelStore> CreateStoreAsync() =>
        await CreateAsync(server, "conformance");

    internal static async Task<CosmosReadModelStore> CreateAsync(LocalCosmosServer server, string database, TimeProvider? time = null)
    {
        var suffix = $"{Interlocked.Increment(ref counter)}-{Guid.NewGuid():N}";
        var options = server.Options(database, suffix);
        var containers = new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(CancellationToken.None);
        var store = new CosmosReadModelStore(containers, options, time ?? TimeProvider.System, NullLogger<CosmosReadModelStore>.Instance);
        Options.Add(store, options);
        return store;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CosmosReadModelStore, CosmosStoreOptions> Options = [];

    /// <summary>Another store object (as another host would have) on the containers of <paramref name="first"/>.</summary>
    internal static async Task<CosmosReadModelStore> SecondStoreOnSameContainersAsync(LocalCosmosServer server, CosmosReadModelStore first, TimeProvider time)
    {
        var options = Options.TryGetValue(first, out var found) ? found : throw new InvalidOperationException("Not a store of this fixture.");
        var containers = new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(CancellationToken.None);
        return new CosmosReadModelStore(containers, options, time, NullLogger<CosmosReadModelStore>.Instance);
    }
}
