using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// <see cref="IViewStore"/> on Cosmos: code documents in the codes container (partition = id), user
/// and provider views in the entities container (partitions <c>userView</c> and <c>providerView</c>).
/// Every code write drops the remembered page boundaries of this instance.
/// </summary>
internal sealed class CosmosViewStore(CosmosCalls calls, CosmosItemMapping mapping, PageBoundaryCache boundaries) : IViewStore
{
    public async Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken) =>
        (await calls.PointReadAsync<UserViewItem>(await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.Id(pk), CosmosItemMapping.UserViewPartition, "read user", cancellationToken))?.View;

    public async Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken) =>
        (await calls.PointReadAsync<ProviderViewItem>(await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.Id(pk), CosmosItemMapping.ProviderViewPartition, "read provider", cancellationToken))?.View;

    public async Task SaveUserAsync(UserView user, CancellationToken cancellationToken)
    {
        var item = CosmosItemMapping.ToItem(user);
        await calls.WriteAsync(await calls.EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(item.Partition), CosmosCalls.NoContent, cancellationToken), "save user");
    }

    public async Task DeleteUserAsync(long pk, CancellationToken cancellationToken) =>
        await calls.DeleteAsync(await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.Id(pk), CosmosItemMapping.UserViewPartition, "delete user", cancellationToken);

    public async Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken)
    {
        var item = new ProviderViewItem { Id = CosmosItemMapping.Id(provider.Pk), View = provider, ClientSecret = clientSecret };
        await calls.WriteAsync(await calls.EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(item.Partition), CosmosCalls.NoContent, cancellationToken), "save provider");
    }

    public async Task DeleteProviderAsync(long pk, CancellationToken cancellationToken) =>
        await calls.DeleteAsync(await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.Id(pk), CosmosItemMapping.ProviderViewPartition, "delete provider", cancellationToken);

    public async Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
    {
        var item = mapping.ToItem(code);
        await calls.WriteAsync(await calls.CodesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(item.Id), CosmosCalls.NoContent, cancellationToken), "save code");
        boundaries.Invalidate();
    }

    public async Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken)
    {
        var id = CosmosItemMapping.Id(pk);
        var deleted = await calls.DeleteAsync(await calls.CodesAsync(cancellationToken), id, id, "delete code", cancellationToken);
        boundaries.Invalidate();
        return deleted;
    }
}
