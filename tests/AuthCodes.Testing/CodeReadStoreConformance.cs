using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>The behaviour every <see cref="ICodeReadStore"/> must show, over codes and views the store's <see cref="IViewStore"/> wrote.</summary>
public abstract class CodeReadStoreConformance : ReadModelStoreConformance
{
    private static async Task<long[]> ListPksAsync(ReadModelStores store, CodeFilter filter, string ordering, int skip = 0, int take = 100) =>
        [.. (await store.Codes.ListCodesAsync(filter, ListQuery.ParseOrdering(ordering), skip, take, None)).Select(c => c.Pk)];

    [Theory]
    [InlineData("", new long[] { 7, 3, 5, 2, 4, 1, 6 })]
    [InlineData("pk", new long[] { 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("-pk", new long[] { 7, 6, 5, 4, 3, 2, 1 })]
    [InlineData("provider", new long[] { 2, 3, 5, 7, 1, 4, 6 })]
    [InlineData("-provider", new long[] { 1, 4, 6, 2, 3, 5, 7 })]
    [InlineData("user", new long[] { 1, 3, 5, 6, 2, 4, 7 })]
    [InlineData("-user", new long[] { 2, 4, 7, 1, 3, 5, 6 })]
    [InlineData("expires", new long[] { 7, 3, 4, 5, 1, 2, 6 })]
    [InlineData("-expires", new long[] { 2, 6, 1, 3, 4, 5, 7 })]
    [InlineData("-provider,-expires", new long[] { 6, 1, 4, 2, 3, 5, 7 })]
    [InlineData("user,-pk", new long[] { 6, 5, 3, 1, 7, 4, 2 })]
    [InlineData("expires,-expires", new long[] { 7, 3, 4, 5, 1, 2, 6 })]
    [InlineData("-pk,user", new long[] { 7, 6, 5, 4, 3, 2, 1 })]
    public async Task Orders_by_every_allowed_key_in_both_directions_with_pk_breaking_ties(string ordering, long[] expected)
    {
        var store = await SeededStoreAsync();

        Assert.Equal(expected, await ListPksAsync(store, CodeFilter.All, ordering));
    }

    [Fact]
    public async Task Orders_expiries_by_instant_whatever_their_fractional_digits()
    {
        var store = await CreateStoresAsync();
        var baseTime = new DateTimeOffset(2024, 9, 13, 14, 5, 42, TimeSpan.Zero);
        await store.Views.SaveCodeAsync(Sample.Code(1, ProviderOne, Alice, baseTime.AddTicks(5_000_000)), None); // .5
        await store.Views.SaveCodeAsync(Sample.Code(2, ProviderOne, Alice, baseTime.AddTicks(2_500_000)), None); // .25
        await store.Views.SaveCodeAsync(Sample.Code(3, ProviderOne, Alice, baseTime), None); // no fraction
        await store.Views.SaveCodeAsync(Sample.Code(4, ProviderOne, Alice, baseTime.AddTicks(10)), None); // .000001

        Assert.Equal(new long[] { 3, 4, 2, 1 }, await ListPksAsync(store, CodeFilter.All, "expires"));
        Assert.Equal(new long[] { 1, 2, 4, 3 }, await ListPksAsync(store, CodeFilter.All, "-expires"));
    }

    [Theory]
    [InlineData(10L, null, new long[] { 3, 5, 1, 6 })]
    [InlineData(11L, null, new long[] { 7, 2, 4 })]
    [InlineData(null, 1L, new long[] { 7, 3, 5, 2 })]
    [InlineData(10L, 2L, new long[] { 1, 6 })]
    [InlineData(12L, null, new long[0])]
    [InlineData(null, 3L, new long[0])]
    public async Task Filters_by_user_and_provider_and_counts_what_it_lists(long? user, long? provider, long[] expected)
    {
        var store = await SeededStoreAsync();
        var filter = new CodeFilter(user, provider);

        Assert.Equal(expected, await ListPksAsync(store, filter, ""));
        Assert.Equal(expected.Length, await store.Codes.CountCodesAsync(filter, None));
    }

    [Fact]
    public async Task Counts_for_each_caller_of_one_store_instance_their_own_codes()
    {
        // The callers of one host share its store: a superuser (no user filter), then Alice and Bob
        // (each filtered to themselves), then the superuser again; remembered counts must not mix.
        var store = await SeededStoreAsync();

        Assert.Equal(7, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(4, await store.Codes.CountCodesAsync(new CodeFilter(User: Alice.Pk), None));
        Assert.Equal(3, await store.Codes.CountCodesAsync(new CodeFilter(User: Bob.Pk), None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(new CodeFilter(User: Carol.Pk), None));
        Assert.Equal(2, await store.Codes.CountCodesAsync(new CodeFilter(User: Alice.Pk, Provider: ProviderTwo.Pk), None));
        Assert.Equal(7, await store.Codes.CountCodesAsync(CodeFilter.All, None));
    }

    [Fact]
    public async Task A_saved_code_is_counted_and_paged_at_once_after_earlier_listings()
    {
        var store = await SeededStoreAsync();
        Assert.Equal(7, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(4, await store.Codes.CountCodesAsync(new CodeFilter(User: Alice.Pk), None));
        Assert.Equal(new long[] { 7, 6, 5 }, await ListPksAsync(store, CodeFilter.All, "-pk", 0, 3));

        await store.Views.SaveCodeAsync(Sample.Code(8, ProviderOne, Carol, T), None);
        await store.Views.SaveCodeAsync(Sample.Code(3, ProviderOne, Bob, T.AddMinutes(5)), None); // Alice's code 3 is now Bob's

        Assert.Equal(8, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(3, await store.Codes.CountCodesAsync(new CodeFilter(User: Alice.Pk), None));
        Assert.Equal(new long[] { 5, 4, 3 }, await ListPksAsync(store, CodeFilter.All, "-pk", 3, 3));
    }

    [Fact]
    public async Task A_deleted_code_is_no_longer_counted_or_paged_after_earlier_listings()
    {
        var store = await SeededStoreAsync();
        Assert.Equal(7, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(new long[] { 1, 2, 3 }, await ListPksAsync(store, CodeFilter.All, "pk", 0, 3));

        Assert.True(await store.Views.DeleteCodeAsync(2, None));

        Assert.Equal(6, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(new long[] { 5, 6, 7 }, await ListPksAsync(store, CodeFilter.All, "pk", 3, 3));
    }

    [Theory]
    [InlineData("graf", new long[] { 2, 3, 5, 7 })] // provider name
    [InlineData("ökonomie", new long[] { 1, 4, 6 })] // provider name, non-ASCII lower-cased
    [InlineData("ALICE", new long[] { 1, 3, 5, 6 })] // username, name and email
    [InlineData("liddell", new long[] { 1, 3, 5, 6 })] // name only
    [InlineData("zoë, ünal", new long[] { 2, 4, 7 })] // two terms, both in Bob's name
    [InlineData("zoë alice", new long[0])] // two terms, never in the same code
    [InlineData("zoë", new long[] { 2, 4, 7 })]
    [InlineData("ÜNAL", new long[] { 2, 4, 7 })]
    [InlineData("corp.example", new long[] { 2, 4, 7 })] // email only
    [InlineData("authentik.io/api", new long[] { 6 })] // one scope element
    [InlineData("profile", new long[] { 1, 2, 3, 4, 5, 7 })] // scope element, absent from code 6
    [InlineData("openid api", new long[] { 6 })] // every term must match somewhere
    [InlineData("nothing-matches", new long[0])]
    public async Task Searches_case_insensitively_for_substrings_of_every_searchable_field(string search, long[] expected)
    {
        var store = await SeededStoreAsync();
        var filter = new CodeFilter(SearchTerms: ListQuery.SplitSearchTerms(search));

        var listed = await ListPksAsync(store, filter, "pk");

        Assert.Equal(expected.Order(), listed);
        Assert.Equal(expected.Length, await store.Codes.CountCodesAsync(filter, None));
    }

    [Fact]
    public async Task Search_combines_with_the_user_and_provider_filters()
    {
        var store = await SeededStoreAsync();
        var filter = new CodeFilter(User: 10, Provider: 2, SearchTerms: ["openid"]);

        Assert.Equal(new long[] { 1, 6 }, await ListPksAsync(store, filter, "pk"));
    }

    [Theory]
    [InlineData(0, 3, new long[] { 1, 2, 3 })]
    [InlineData(3, 3, new long[] { 4, 5, 6 })]
    [InlineData(6, 3, new long[] { 7 })]
    [InlineData(7, 3, new long[0])]
    [InlineData(2, 100, new long[] { 3, 4, 5, 6, 7 })]
    public async Task Pages_through_results_by_skip_and_take_at_the_boundaries(int skip, int take, long[] expected)
    {
        var store = await SeededStoreAsync();

        Assert.Equal(expected, await ListPksAsync(store, CodeFilter.All, "pk", skip, take));
    }

    [Fact]
    public async Task Pages_concatenate_to_the_full_ordering_for_a_compound_key()
    {
        var store = await SeededStoreAsync();
        var pages = new List<long>();
        for (var skip = 0; skip < 7; skip += 2)
        {
            pages.AddRange(await ListPksAsync(store, CodeFilter.All, "-expires", skip, 2));
        }

        Assert.Equal([2, 6, 1, 3, 4, 5, 7], pages);
    }

    [Fact]
    public async Task Knows_users_and_providers_that_have_no_codes()
    {
        var store = await SeededStoreAsync();

        Assert.True(await store.Codes.UserExistsAsync(12, None));
        Assert.True(await store.Codes.ProviderExistsAsync(3, None));
        Assert.False(await store.Codes.UserExistsAsync(13, None));
        Assert.False(await store.Codes.ProviderExistsAsync(4, None));

        await store.Views.DeleteUserAsync(12, None);
        await store.Views.DeleteProviderAsync(3, None);
        Assert.False(await store.Codes.UserExistsAsync(12, None));
        Assert.False(await store.Codes.ProviderExistsAsync(3, None));
    }

    [Theory]
    [InlineData(SubjectMode.HashedUserId, "uid-0011", 11L)]
    [InlineData(SubjectMode.UserId, "12", 12L)]
    [InlineData(SubjectMode.UserUuid, "00000000-0000-4000-8000-000000000010", 10L)]
    [InlineData(SubjectMode.UserUsername, "bob", 11L)]
    [InlineData(SubjectMode.UserEmail, "alice@example.com", 10L)]
    [InlineData(SubjectMode.UserUpn, "carol@upn.example", 12L)]
    [InlineData(SubjectMode.UserUpn, "uid-0010", 10L)] // no upn attribute: the uid stands in
    public async Task Finds_the_user_behind_a_token_subject_in_every_subject_mode(SubjectMode mode, string subject, long expectedPk)
    {
        var store = await SeededStoreAsync();

        var user = await store.Codes.FindUserAsync(mode, subject, None);

        Assert.Equal(expectedPk, user?.Pk);
    }

    [Theory]
    [InlineData(SubjectMode.UserUsername, "BOB")]
    [InlineData(SubjectMode.UserUpn, "uid-0012")] // carol has a upn, so her uid is not her subject
    [InlineData(SubjectMode.UserId, "010")]
    [InlineData(SubjectMode.UserEmail, "nobody@example.com")]
    public async Task Finds_nobody_for_a_subject_that_no_user_has(SubjectMode mode, string subject)
    {
        var store = await SeededStoreAsync();

        Assert.Null(await store.Codes.FindUserAsync(mode, subject, None));
    }

    [Fact]
    public async Task Finds_nobody_for_an_ambiguous_or_deleted_subject()
    {
        var store = await SeededStoreAsync();
        await store.Views.SaveUserAsync(Sample.User(20, username: "twin", email: "alice@example.com"), None);
        await store.Views.DeleteUserAsync(11, None);

        Assert.Null(await store.Codes.FindUserAsync(SubjectMode.UserEmail, "alice@example.com", None));
        Assert.Null(await store.Codes.FindUserAsync(SubjectMode.UserUsername, "bob", None));
        Assert.Equal(20, (await store.Codes.FindUserAsync(SubjectMode.UserUsername, "twin", None))?.Pk);
    }

    [Fact]
    public async Task Reads_the_client_secrets_of_the_requested_live_providers_in_one_batch()
    {
        var store = await SeededStoreAsync();
        await store.Views.DeleteProviderAsync(3, None);

        var secrets = await store.Codes.GetClientSecretsAsync([1, 2, 3, 9, 2], None);

        Assert.Equal(new Dictionary<long, string> { [1] = "secret-one", [2] = "secret-two" }, secrets);
    }

    [Fact]
    public async Task Never_returns_a_client_secret_inside_a_code_document()
    {
        var store = await SeededStoreAsync();

        var codes = await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 100, None);

        Assert.All(codes, code => Assert.DoesNotContain("secret", System.Text.Json.JsonSerializer.Serialize(code), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reports_itself_reachable()
    {
        var store = await CreateStoresAsync();

        Assert.True(await store.Codes.IsReachableAsync(None));
    }
}
