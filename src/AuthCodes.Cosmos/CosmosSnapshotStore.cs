using System.Globalization;
using System.Net;
using System.Text;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// <see cref="ISnapshotStore"/> on Cosmos: snapshots in the entities container, id = the pk, partition =
/// the kind (membership look-ups are single-partition queries over indexed state paths) or
/// <c>code/&lt;pk&gt;</c> for codes (point reads and conditional writes on the hot path).
/// </summary>
internal sealed class CosmosSnapshotStore(CosmosCalls calls, CosmosItemMapping mapping) : ISnapshotStore
{
    public async Task<EntitySnapshot?> GetSnapshotAsync(EntityKey key, CancellationToken cancellationToken)
    {
        var item = await calls.PointReadAsync<SnapshotItem>(
            await calls.EntitiesAsync(cancellationToken), key.PkText, CosmosItemMapping.PartitionOf(key), "read snapshot", cancellationToken);
        return item is null ? null : CosmosItemMapping.ToSnapshot(item);
    }

    public async Task<IReadOnlyList<EntitySnapshot>> GetSnapshotsAsync(IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken)
    {
        var distinct = keys.Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return [];
        }

        var items = await calls.ReadManyAsync<SnapshotItem>(
            await calls.EntitiesAsync(cancellationToken),
            [.. distinct.Select(k => (k.PkText, new PartitionKey(CosmosItemMapping.PartitionOf(k))))],
            "read snapshots",
            cancellationToken);
        return [.. items.Select(CosmosItemMapping.ToSnapshot)];
    }

    public async Task<bool> TryWriteSnapshotAsync(EntitySnapshot snapshot, string? expectedETag, CancellationToken cancellationToken)
    {
        var item = mapping.ToItem(snapshot);
        var partition = new PartitionKey(item.Partition);
        var entities = await calls.EntitiesAsync(cancellationToken);
        try
        {
            if (expectedETag is null)
            {
                await calls.WriteAsync(entities, c => c.CreateItemAsync(item, partition, CosmosCalls.NoContent, cancellationToken), "create snapshot");
            }
            else
            {
                var conditional = new ItemRequestOptions { IfMatchEtag = expectedETag, EnableContentResponseOnWrite = false };
                await calls.WriteAsync(entities, c => c.ReplaceItemAsync(item, item.Id, partition, conditional, cancellationToken), "replace snapshot");
            }

            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<CodeState>> GetLiveCodesOfUserAsync(long userPk, CancellationToken cancellationToken) =>
        await LiveCodesAsync("c.code.user", userPk, cancellationToken);

    public async Task<IReadOnlyList<CodeState>> GetLiveCodesOfProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        await LiveCodesAsync("c.code.provider", providerPk, cancellationToken);

    /// <summary>Code snapshots live in one partition each (point writes on the hot path), so this look-up is cross-partition; it runs only on user and provider changes.</summary>
    private async Task<IReadOnlyList<CodeState>> LiveCodesAsync(string path, long pk, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition($"SELECT * FROM c WHERE c.kind = @kind AND c.deleted = false AND {path} = @pk")
            .WithParameter("@kind", CosmosItemMapping.KindName(EntityKind.AuthorizationCode))
            .WithParameter("@pk", pk);
        var items = await calls.QueryAsync<SnapshotItem>(await calls.EntitiesAsync(cancellationToken), definition, null, "live codes", cancellationToken);
        return [.. items.Where(i => i.Code is not null).Select(i => i.Code!).OrderBy(c => c.Pk)];
    }

    public async Task<IReadOnlyList<UserState>> GetLiveUsersInGroupsAsync(IReadOnlyCollection<Guid> groupPks, CancellationToken cancellationToken)
    {
        var entities = await calls.EntitiesAsync(cancellationToken);
        var partition = CosmosItemMapping.KindName(EntityKind.User);
        var found = new Dictionary<long, UserState>();
        foreach (var chunk in groupPks.Distinct().Chunk(50))
        {
            var sql = new StringBuilder("SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND (");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture, $"ARRAY_CONTAINS(c.user.groups, @g{i})");
            }

            var definition = new QueryDefinition(sql.Append(')').ToString()).WithParameter("@partition", partition);
            for (var i = 0; i < chunk.Length; i++)
            {
                definition = definition.WithParameter($"@g{i}", chunk[i].ToString("D"));
            }

            foreach (var item in await calls.QueryAsync<SnapshotItem>(entities, definition, partition, "users in groups", cancellationToken))
            {
                if (item.User is { } user)
                {
                    found[user.Pk] = user;
                }
            }
        }

        return [.. found.Values.OrderBy(u => u.Pk)];
    }

    public async Task<IReadOnlyList<GroupState>> GetLiveChildGroupsAsync(Guid parentPk, CancellationToken cancellationToken)
    {
        var partition = CosmosItemMapping.KindName(EntityKind.Group);
        var definition = new QueryDefinition("SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND c.group.parent = @parent")
            .WithParameter("@partition", partition)
            .WithParameter("@parent", parentPk.ToString("D"));
        var items = await calls.QueryAsync<SnapshotItem>(await calls.EntitiesAsync(cancellationToken), definition, partition, "child groups", cancellationToken);
        return [.. items.Where(i => i.Group is not null).Select(i => i.Group!)];
    }

    public async Task<IReadOnlyList<ApplicationState>> GetLiveApplicationsClaimingProviderAsync(long providerPk, CancellationToken cancellationToken)
    {
        var partition = CosmosItemMapping.KindName(EntityKind.Application);
        var definition = new QueryDefinition(
                "SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND (c.application.provider = @provider OR ARRAY_CONTAINS(c.application.backchannelProviders, @provider))")
            .WithParameter("@partition", partition)
            .WithParameter("@provider", providerPk);
        var items = await calls.QueryAsync<SnapshotItem>(await calls.EntitiesAsync(cancellationToken), definition, partition, "applications claiming provider", cancellationToken);
        return [.. items.Where(i => i.Application is not null).Select(i => i.Application!)];
    }
}
