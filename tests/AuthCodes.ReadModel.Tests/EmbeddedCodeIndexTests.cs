using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.ReadModel.Tests;

/// <summary>
/// The embedded store's maintained indexes against the reference semantics (filter every code, sort):
/// enough codes, rewrites and deletions that the ordered lists split and shrink their chunks.
/// </summary>
public sealed class EmbeddedCodeIndexTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ProviderView[] Providers = [.. Enumerable.Range(1, 5).Select(pk => Sample.Provider(pk))];
    private static readonly UserView[] Users = [.. Enumerable.Range(1, 30).Select(pk => Sample.User(pk))];

    public static TheoryData<string> Orderings => ["", "pk", "-pk", "user,-expires", "-user,expires", "-expires,provider", "provider,user", "-provider,-user,-expires,-pk"];

    [Theory]
    [MemberData(nameof(Orderings))]
    public async Task Pages_and_counts_match_filtering_and_sorting_every_code_after_writes_and_deletions(string orderingText)
    {
        var store = EmbeddedReadModelStore.Create();
        var stored = new Dictionary<long, CodeDocument>();
        var ordering = ListQuery.ParseOrdering(orderingText);
        await store.Codes.ListCodesAsync(CodeFilter.All, ordering, 0, 1, None); // The ordering is maintained from here on.
        for (long step = 1; step <= 3_000; step++)
        {
            var pk = step * 7 % 2_003;
            if (step % 5 == 0)
            {
                await store.Views.DeleteCodeAsync(pk, None);
                stored.Remove(pk);
                continue;
            }

            var code = Sample.Code(
                pk, Providers[step % Providers.Length], Users[step * 11 % Users.Length], step % 9 == 0 ? null : Sample.Now.AddSeconds(step % 400));
            await store.Views.SaveCodeAsync(code, None);
            stored[pk] = code;
        }

        foreach (var filter in new CodeFilter[] { CodeFilter.All, new(User: 4), new(Provider: 2), new(4, 2), new(SearchTerms: ["user1"]), new(99) })
        {
            var expected = stored.Values.Where(filter.Matches).Order(ordering).Select(c => c.Pk).ToArray();
            Assert.Equal(expected.Length, await store.Codes.CountCodesAsync(filter, None));
            foreach (var skip in new[] { 0, 1, 255, 700, expected.Length - 3 })
            {
                var page = await store.Codes.ListCodesAsync(filter, ordering, Math.Max(skip, 0), 100, None);
                Assert.Equal(expected.Skip(Math.Max(skip, 0)).Take(100), page.Select(c => c.Pk));
            }
        }
    }
}
