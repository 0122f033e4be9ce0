using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// Counting and paging listed codes. An ordering a composite index serves pages by keyset: the
/// boundary before a page (from <see cref="PageBoundaryCache"/>, or found with a key-only skip
/// query) becomes a predicate, so a page reads only its own documents. Other orderings sort the
/// key-only candidate set here. One user's codes are read whole and sorted here.
/// </summary>
internal sealed class CosmosCodeListing(CosmosCalls calls, PageBoundaryCache boundaries)
{
    public async Task<int> CountAsync(CodeFilter filter, CancellationToken cancellationToken)
    {
        var query = new CodeQuery(filter);
        if (boundaries.Count(query.CacheKey) is { } remembered)
        {
            return remembered;
        }

        var counts = await calls.QueryAsync<int>(await calls.CodesAsync(cancellationToken), query.Definition("SELECT VALUE COUNT(1) FROM c"), null, "count codes", cancellationToken);
        var count = counts.Sum();
        boundaries.RememberCount(query.CacheKey, count);
        return count;
    }

    public async Task<IReadOnlyList<CodeDocument>> ListAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (take <= 0)
        {
            return [];
        }

        var codes = await calls.CodesAsync(cancellationToken);
        var query = new CodeQuery(filter);
        if (filter.User is not null)
        {
            // One user's codes are few (codes live about a minute): one query for all of them, whole,
            // sorted here. Cosmos loads a document whether a query projects it or not, so reading them
            // whole once is cheaper than a key-only query followed by a ReadMany of the page.
            var all = await calls.QueryAsync<CodeItem>(codes, query.Definition("SELECT * FROM c"), null, "list codes of user", cancellationToken);
            var documents = all.Select(i => i.Code).ToList();
            documents.Sort(ordering);
            return [.. documents.Skip(skip).Take(take)];
        }

        var terms = ordering.Terms;
        if (!CosmosContainerDefinition.IsIndexed(terms))
        {
            return await ListInMemoryAsync(codes, query, ordering, skip, take, cancellationToken);
        }

        var cacheKey = query.CacheKey + "|" + ordering;
        long[]? boundary = null;
        if (skip > 0)
        {
            var (knownSkip, known) = boundaries.Nearest(cacheKey, skip);
            var toSkip = skip - knownSkip;
            if (toSkip == 0)
            {
                boundary = known;
            }
            else
            {
                var skipQuery = query.Definition(CodeQuery.SelectTop(toSkip, CodeSortPath.AllSelected), terms, known);
                var skipped = await calls.QueryAsync<CodeKeys>(codes, skipQuery, null, "skip to page", cancellationToken);
                if (skipped.Count < toSkip)
                {
                    return [];
                }

                boundary = BoundaryAt(skipped[^1], terms);
                boundaries.Remember(cacheKey, skip, boundary);
            }
        }

        var items = await calls.QueryAsync<CodeItem>(codes, query.Definition(CodeQuery.SelectTop(take, "*"), terms, boundary), null, "list codes", cancellationToken);
        if (items.Count == take)
        {
            // The next page starts after this one's last row: sequential paging never skips again.
            var last = items[^1];
            boundaries.Remember(cacheKey, skip + take, BoundaryAt(new CodeKeys { Pk = last.Pk, ProviderPk = last.ProviderPk, UserPk = last.UserPk, ExpiresKey = last.ExpiresKey }, terms));
        }

        return [.. items.Select(i => i.Code)];
    }

    /// <summary>An ordering without a composite index: sort the key-only candidate set here, then read the page's documents at once.</summary>
    private async Task<IReadOnlyList<CodeDocument>> ListInMemoryAsync(
        Container codes, CodeQuery query, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken)
    {
        var keys = await calls.QueryAsync<CodeKeys>(codes, query.Definition($"SELECT {CodeSortPath.AllSelected} FROM c"), null, "list code keys", cancellationToken);
        var pageKeys = keys.Order(new KeyComparer(ordering.Terms)).Skip(skip).Take(take).ToArray();
        if (pageKeys.Length == 0)
        {
            return [];
        }

        var ids = pageKeys.Select(k => CosmosItemMapping.Id(k.Pk)).ToArray();
        var items = await calls.ReadManyAsync<CodeItem>(codes, [.. ids.Select(id => (id, new PartitionKey(id)))], "read code page", cancellationToken);
        var byPk = items.ToDictionary(i => i.Pk);
        var page = pageKeys.Where(k => byPk.ContainsKey(k.Pk)).Select(k => byPk[k.Pk].Code).ToList();
        page.Sort(ordering);
        return page;
    }

    private static long[] BoundaryAt(CodeKeys row, IReadOnlyList<SortTerm> terms) => [.. terms.Select(t => row.Get(t.Key))];

    private sealed class KeyComparer(IReadOnlyList<SortTerm> terms) : IComparer<CodeKeys>
    {
        public int Compare(CodeKeys? x, CodeKeys? y)
        {
            foreach (var (key, descending) in terms)
            {
                var result = x!.Get(key).CompareTo(y!.Get(key));
                if (result != 0)
                {
                    return descending ? -result : result;
                }
            }

            return 0;
        }
    }
}
