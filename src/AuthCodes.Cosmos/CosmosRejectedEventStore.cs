using System.Globalization;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary><see cref="IRejectedEventStore"/> on Cosmos: one item per record in the entities container's <c>rejected</c> partition.</summary>
internal sealed class CosmosRejectedEventStore(CosmosCalls calls, CosmosItemMapping mapping) : IRejectedEventStore
{
    private const string Partition = CosmosItemMapping.RejectedPartition;

    public async Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken)
    {
        var item = mapping.ToItem(rejected);
        await calls.WriteAsync(await calls.EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(Partition), CosmosCalls.NoContent, cancellationToken), "record rejected event");
    }

    public async Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int skip, int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        // TOP rather than OFFSET … LIMIT, which the local emulator lacks: rejected events are few.
        skip = Math.Max(skip, 0);
        var definition = new QueryDefinition(
                $"SELECT TOP {(skip + (long)max).ToString(CultureInfo.InvariantCulture)} * FROM c WHERE c.partition = @partition ORDER BY c.rejectedAtMicros DESC, c.recordId ASC")
            .WithParameter("@partition", Partition);
        var items = await calls.QueryAsync<RejectedItem>(await calls.EntitiesAsync(cancellationToken), definition, Partition, "list rejected events", cancellationToken);
        return [.. items.Skip(skip).Select(CosmosItemMapping.ToRejected)];
    }

    public async Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken)
    {
        var item = await calls.PointReadAsync<RejectedItem>(
            await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.RejectedId(recordId), Partition, "read rejected event", cancellationToken);
        return item is null ? null : CosmosItemMapping.ToRejected(item);
    }

    public async Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        await calls.DeleteAsync(await calls.EntitiesAsync(cancellationToken), CosmosItemMapping.RejectedId(recordId), Partition, "delete rejected event", cancellationToken);
}
