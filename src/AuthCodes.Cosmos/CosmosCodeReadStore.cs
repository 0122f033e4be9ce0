using System.Globalization;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// <see cref="ICodeReadStore"/> on Cosmos: lists through <see cref="CosmosCodeListing"/>, point-reads
/// codes and the views the <see cref="CosmosViewStore"/> writes, and finds a token's user by the
/// subjects stored with each user view.
/// </summary>
internal sealed class CosmosCodeReadStore(CosmosCalls calls, CosmosCodeListing listing, CosmosViewStore views) : ICodeReadStore
{
    public Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken) =>
        listing.CountAsync(filter, cancellationToken);

    public Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken) =>
        listing.ListAsync(filter, ordering, skip, take, cancellationToken);

    public async Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken)
    {
        var id = CosmosItemMapping.Id(pk);
        return (await calls.PointReadAsync<CodeItem>(await calls.CodesAsync(cancellationToken), id, id, "read code", cancellationToken))?.Code;
    }

    public async Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken)
    {
        if (mode == SubjectMode.UserId)
        {
            // The pk's canonical text only ("010" is nobody): one point read.
            return long.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var pk) && CosmosItemMapping.Id(pk) == subject
                ? await views.GetUserAsync(pk, cancellationToken)
                : null;
        }

        var partition = CosmosItemMapping.UserViewPartition;
        var definition = new QueryDefinition($"SELECT TOP 2 * FROM c WHERE c.partition = @partition AND c.subjects.{CosmosItemMapping.SubjectField(mode)} = @subject")
            .WithParameter("@partition", partition)
            .WithParameter("@subject", subject);
        var found = await calls.QueryAsync<UserViewItem>(await calls.EntitiesAsync(cancellationToken), definition, partition, "find user", cancellationToken);
        return found.Count == 1 ? found[0].View : null;
    }

    public async Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken) =>
        await views.GetUserAsync(pk, cancellationToken) is not null;

    public async Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken) =>
        await views.GetProviderAsync(pk, cancellationToken) is not null;

    public async Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken)
    {
        var distinct = providerPks.Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return new Dictionary<long, string>();
        }

        var items = await calls.ReadManyAsync<ProviderViewItem>(
            await calls.EntitiesAsync(cancellationToken),
            [.. distinct.Select(pk => (CosmosItemMapping.Id(pk), new PartitionKey(CosmosItemMapping.ProviderViewPartition)))],
            "read client secrets",
            cancellationToken);
        return items.ToDictionary(i => i.View.Pk, i => i.ClientSecret);
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => calls.IsReachableAsync(cancellationToken);
}
