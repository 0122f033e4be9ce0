using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// Page-number pagination on Cosmos (keyset queries from cached or freshly found page boundaries,
/// in-memory ordering of key-only candidate sets) against <see cref="ReferenceList"/>, which shares
/// no filter or ordering code with either store, on a data set large enough for many pages, ties and
/// null expiries. The embedded store is held to the same reference.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosPaginationTests(LocalCosmosServer server)
{
    private const int PageSize = 17;
    private static readonly CancellationToken None = CancellationToken.None;

    public static TheoryData<string, long?, long?, string?> Cases() => new()
    {
        { "", null, null, null }, // authentik's default provider,expires: composite index
        { "-provider,-expires", null, null, null },
        { "provider,-expires,-pk", null, null, null },
        { "-expires", null, null, null },
        { "user", null, null, null },
        { "-pk", null, null, null },
        { "user,expires", null, null, null }, // no composite index: sorted in memory
        { "expires,provider", null, 2L, null },
        { "", 3L, null, null }, // one user's codes: sorted in memory
        { "-expires", null, 2L, null },
        { "pk", null, null, "user1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_page_in_sequence_and_by_jumping_matches_the_reference_order(string ordering, long? user, long? provider, string? search)
    {
        var (cosmos, embedded, codes) = await SeedAsync(260);
        // The stores' inputs are parsed by src, as the API parses them; the expectation is not.
        var filter = new CodeFilter(user, provider, search is null ? null : ListQuery.SplitSearchTerms(search));
        var order = ListQuery.ParseOrdering(ordering);
        var expected = ReferenceList.Order(ReferenceList.Filter(codes, user, provider, search), ordering).Select(c => c.Pk).ToArray();
        Assert.Equal(expected, (await embedded.Codes.ListCodesAsync(filter, order, 0, 1000, None)).Select(c => c.Pk));
        Assert.Equal(expected.Length, await cosmos.Codes.CountCodesAsync(filter, None));

        var sequential = new List<long>();
        for (var skip = 0; skip < expected.Length + PageSize; skip += PageSize)
        {
            sequential.AddRange((await cosmos.Codes.ListCodesAsync(filter, order, skip, PageSize, None)).Select(c => c.Pk));
        }

        Assert.Equal(expected, sequential);
        foreach (var page in new[] { 9, 2, 12, 0, 11 })
        {
            var listed = (await cosmos.Codes.ListCodesAsync(filter, order, page * PageSize, PageSize, None)).Select(c => c.Pk);
            Assert.Equal(expected.Skip(page * PageSize).Take(PageSize), listed);
        }
    }

    [Fact]
    public async Task A_write_through_the_store_drops_remembered_page_boundaries()
    {
        var (cosmos, embedded, codes) = await SeedAsync(120);
        var order = CodeOrdering.Default;
        await cosmos.Codes.ListCodesAsync(CodeFilter.All, order, PageSize * 3, PageSize, None);
        var firstPage = await cosmos.Codes.ListCodesAsync(CodeFilter.All, order, 0, PageSize, None);
        Assert.Equal(ReferenceList.Page(ReferenceList.Order(codes, ReferenceList.DefaultOrdering), 1, PageSize).Select(c => c.Pk), firstPage.Select(c => c.Pk));

        var deleted = firstPage.Take(5).Select(c => c.Pk).ToHashSet();
        foreach (var pk in deleted)
        {
            await cosmos.Views.DeleteCodeAsync(pk, None);
            await embedded.Views.DeleteCodeAsync(pk, None);
        }

        var remaining = ReferenceList.Order(codes.Where(c => !deleted.Contains(c.Pk)), ReferenceList.DefaultOrdering);
        var expected = ReferenceList.Page(remaining, 4, PageSize).Select(c => c.Pk);
        Assert.Equal(expected, (await embedded.Codes.ListCodesAsync(CodeFilter.All, order, PageSize * 3, PageSize, None)).Select(c => c.Pk));
        Assert.Equal(expected, (await cosmos.Codes.ListCodesAsync(CodeFilter.All, order, PageSize * 3, PageSize, None)).Select(c => c.Pk));
    }

    [Fact]
    public async Task A_page_past_the_end_is_empty()
    {
        var (cosmos, _, _) = await SeedAsync(30);

        Assert.Empty(await cosmos.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 30, PageSize, None));
        Assert.Empty(await cosmos.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 500, PageSize, None));
        Assert.Empty(await cosmos.Codes.ListCodesAsync(new CodeFilter(User: 1), CodeOrdering.Default, 500, PageSize, None));
    }

    /// <summary>Both stores get the same codes (returned too): 4 providers, 6 users, expiries with ties and nulls.</summary>
    private async Task<(ReadModelStores Cosmos, ReadModelStores Embedded, CodeDocument[] Codes)> SeedAsync(int count)
    {
        var cosmos = await CosmosStores.CreateAsync(server, "pagination");
        var embedded = EmbeddedReadModelStore.Create();
        var random = new Random(4711);
        var providers = Enumerable.Range(1, 4).Select(pk => Sample.Provider(pk)).ToArray();
        var users = Enumerable.Range(1, 6).Select(pk => Sample.User(pk)).ToArray();
        foreach (var store in new[] { cosmos, embedded })
        {
            foreach (var provider in providers)
            {
                await store.Views.SaveProviderAsync(provider, $"secret-{provider.Pk}", None);
            }

            foreach (var user in users)
            {
                await store.Views.SaveUserAsync(user, None);
            }
        }

        var codes = Enumerable.Range(1, count).Select(pk => Sample.Code(
            pk,
            providers[random.Next(providers.Length)],
            users[random.Next(users.Length)],
            random.Next(8) == 0 ? null : Sample.Now.AddMinutes(random.Next(20)).AddTicks(random.Next(3) * 10))).ToArray();
        await Parallel.ForEachAsync(codes, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (code, ct) => await cosmos.Views.SaveCodeAsync(code, ct));
        foreach (var code in codes)
        {
            await embedded.Views.SaveCodeAsync(code, None);
        }

        return (cosmos, embedded, codes);
    }
}
