using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>
/// The behaviour every <see cref="IReadModelStore"/> must show. Each store's test project derives
/// from this class and supplies an empty store; the expected orders below are written out by hand.
/// </summary>
public abstract class ReadModelStoreConformance
{
    private static readonly DateTimeOffset T = Sample.Now;
    private static readonly CancellationToken None = CancellationToken.None;

    protected static readonly ProviderView ProviderOne = Sample.Provider(1, name: "Grafana");
    protected static readonly ProviderView ProviderTwo = Sample.Provider(2, name: "Nextcloud Ökonomie");
    protected static readonly ProviderView ProviderWithoutCodes = Sample.Provider(3, name: "Idle");
    protected static readonly UserView Alice = Sample.User(10, username: "alice", email: "alice@example.com", name: "Alice Liddell");
    protected static readonly UserView Bob = Sample.User(11, username: "bob", email: "bob@corp.example", name: "Zoë Ünal");
    protected static readonly UserView Carol = Sample.User(12, username: "carol", attributesJson: """{"upn":"carol@upn.example"}""");

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IReadModelStore> CreateStoreAsync();

    private async Task<IReadModelStore> SeededStoreAsync()
    {
        var store = await CreateStoreAsync();
        await store.SaveProviderAsync(ProviderOne, "secret-one", None);
        await store.SaveProviderAsync(ProviderTwo, "secret-two", None);
        await store.SaveProviderAsync(ProviderWithoutCodes, "secret-three", None);
        await store.SaveUserAsync(Alice, None);
        await store.SaveUserAsync(Bob, None);
        await store.SaveUserAsync(Carol, None);
        await store.SaveCodeAsync(Sample.Code(1, ProviderTwo, Alice, T.AddMinutes(10)), None);
        await store.SaveCodeAsync(Sample.Code(2, ProviderOne, Bob, expires: null), None);
        await store.SaveCodeAsync(Sample.Code(3, ProviderOne, Alice, T.AddMinutes(5)), None);
        await store.SaveCodeAsync(Sample.Code(4, ProviderTwo, Bob, T.AddMinutes(5)), None);
        await store.SaveCodeAsync(Sample.Code(5, ProviderOne, Alice, T.AddMinutes(5)), None);
        await store.SaveCodeAsync(Sample.Code(6, ProviderTwo, Alice, null, true, "openid", "goauthentik.io/api"), None);
        await store.SaveCodeAsync(Sample.Code(7, ProviderOne, Bob, T.AddHours(-1)), None);
        return store;
    }

    /// <summary>
    /// Views hold lists, which record equality compares by reference: a store that serializes (Cosmos)
    /// returns equal values in new lists, so views are compared by their JSON.
    /// </summary>
    private static void AssertSameJson<T>(T expected, T? actual)
        where T : class
    {
        Assert.NotNull(actual);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));
    }

    private static async Task<long[]> ListPksAsync(IReadModelStore store, CodeFilter filter, string ordering, int skip = 0, int take = 100) =>
        [.. (await store.ListCodesAsync(filter, ListQuery.ParseOrdering(ordering), skip, take, None)).Select(c => c.Pk)];

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
        var store = await CreateStoreAsync();
        var baseTime = new DateTimeOffset(2024, 9, 13, 14, 5, 42, TimeSpan.Zero);
        await store.SaveCodeAsync(Sample.Code(1, ProviderOne, Alice, baseTime.AddTicks(5_000_000)), None); // .5
        await store.SaveCodeAsync(Sample.Code(2, ProviderOne, Alice, baseTime.AddTicks(2_500_000)), None); // .25
        await store.SaveCodeAsync(Sample.Code(3, ProviderOne, Alice, baseTime), None); // no fraction
        await store.SaveCodeAsync(Sample.Code(4, ProviderOne, Alice, baseTime.AddTicks(10)), None); // .000001

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
        Assert.Equal(expected.Length, await store.CountCodesAsync(filter, None));
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
        Assert.Equal(expected.Length, await store.CountCodesAsync(filter, None));
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
    public async Task Retrieves_a_code_whole_and_forgets_a_deleted_one()
    {
        var store = await SeededStoreAsync();

        var code = await store.GetCodeAsync(6, None);
        Assert.NotNull(code);
        AssertSameJson(ProviderTwo, code.Provider);
        Assert.Equal(Alice.Username, code.User.Username);
        Assert.Equal(["openid", "goauthentik.io/api"], code.Scope);
        Assert.Null(code.Expires);

        Assert.True(await store.DeleteCodeAsync(6, None));
        Assert.Null(await store.GetCodeAsync(6, None));
        Assert.False(await store.DeleteCodeAsync(6, None)); // already unlisted: the projector counts no write
        Assert.Equal(6, await store.CountCodesAsync(CodeFilter.All, None));
        Assert.Null(await store.GetCodeAsync(999, None));
    }

    [Fact]
    public async Task Saving_a_code_again_replaces_it()
    {
        var store = await SeededStoreAsync();

        await store.SaveCodeAsync(Sample.Code(3, ProviderTwo, Bob, T.AddDays(1), false, "email"), None);

        var code = await store.GetCodeAsync(3, None);
        Assert.NotNull(code);
        Assert.Equal(2, code.Provider.Pk);
        Assert.Equal(11, code.User.Pk);
        Assert.False(code.Expiring);
        Assert.Equal(["email"], code.Scope);
        Assert.Equal(7, await store.CountCodesAsync(CodeFilter.All, None));
    }

    [Fact]
    public async Task Keeps_expiry_instants_to_the_microsecond_in_utc()
    {
        var store = await CreateStoreAsync();
        var expires = new DateTimeOffset(2024, 9, 13, 16, 5, 42, TimeSpan.FromHours(2)).AddTicks(2_430_007);
        await store.SaveCodeAsync(Sample.Code(1, ProviderOne, Alice, expires), None);

        var stored = (await store.GetCodeAsync(1, None))?.Expires;

        Assert.Equal(new DateTimeOffset(2024, 9, 13, 14, 5, 42, TimeSpan.Zero).AddTicks(2_430_000), stored);
        Assert.Equal("2024-09-13T14:05:42.243000Z", DrfDateTime.Format(stored!.Value));
    }

    [Fact]
    public async Task Knows_users_and_providers_that_have_no_codes()
    {
        var store = await SeededStoreAsync();

        Assert.True(await store.UserExistsAsync(12, None));
        Assert.True(await store.ProviderExistsAsync(3, None));
        Assert.False(await store.UserExistsAsync(13, None));
        Assert.False(await store.ProviderExistsAsync(4, None));

        await store.DeleteUserAsync(12, None);
        await store.DeleteProviderAsync(3, None);
        Assert.False(await store.UserExistsAsync(12, None));
        Assert.False(await store.ProviderExistsAsync(3, None));
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

        var user = await store.FindUserAsync(mode, subject, None);

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

        Assert.Null(await store.FindUserAsync(mode, subject, None));
    }

    [Fact]
    public async Task Finds_nobody_for_an_ambiguous_or_deleted_subject()
    {
        var store = await SeededStoreAsync();
        await store.SaveUserAsync(Sample.User(20, username: "twin", email: "alice@example.com"), None);
        await store.DeleteUserAsync(11, None);

        Assert.Null(await store.FindUserAsync(SubjectMode.UserEmail, "alice@example.com", None));
        Assert.Null(await store.FindUserAsync(SubjectMode.UserUsername, "bob", None));
        Assert.Equal(20, (await store.FindUserAsync(SubjectMode.UserUsername, "twin", None))?.Pk);
    }

    [Fact]
    public async Task Reads_the_client_secrets_of_the_requested_live_providers_in_one_batch()
    {
        var store = await SeededStoreAsync();
        await store.DeleteProviderAsync(3, None);

        var secrets = await store.GetClientSecretsAsync([1, 2, 3, 9, 2], None);

        Assert.Equal(new Dictionary<long, string> { [1] = "secret-one", [2] = "secret-two" }, secrets);
    }

    [Fact]
    public async Task Never_returns_a_client_secret_inside_a_code_document()
    {
        var store = await SeededStoreAsync();

        var codes = await store.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 100, None);

        Assert.All(codes, code => Assert.DoesNotContain("secret", System.Text.Json.JsonSerializer.Serialize(code), StringComparison.Ordinal));
    }

    // ---- Projection support: snapshots, optimistic concurrency, look-ups ----------------------

    private static readonly Guid GroupA = Guid.Parse("aaaaaaaa-0000-4000-8000-000000000001");
    private static readonly Guid GroupB = Guid.Parse("bbbbbbbb-0000-4000-8000-000000000002");
    private static readonly Guid AppOne = Guid.Parse("11111111-0000-4000-8000-000000000001");
    private static readonly Guid AppTwo = Guid.Parse("22222222-0000-4000-8000-000000000002");

    private static EventStamp Stamp(ulong version, bool deleted = false) => new(version, deleted, $"evt-{version}");

    private static UserState UserStateOf(long pk, params Guid[] groups) => new(
        pk, $"user{pk}", $"User {pk}", true, null, groups, $"user{pk}@example.com", "", Sample.Json("""{"k":"v"}"""), $"uid-{pk}", "users", "internal",
        new Guid($"00000000-0000-4000-8000-{pk:D12}"));

    private static CodeState CodeStateOf(long pk, long provider, long user) => new(pk, provider, user, T.AddMinutes(5), true, ["openid"]);

    private static async Task PutAsync(IReadModelStore store, EntityState state, ulong version = 1, bool deleted = false)
    {
        var current = await store.GetSnapshotAsync(state.Key, None);
        Assert.True(await store.TryWriteSnapshotAsync(new EntitySnapshot(state.Key, Stamp(version, deleted), deleted ? null : state), current?.ETag, None));
    }

    [Fact]
    public async Task Stores_a_snapshot_and_reads_it_back_with_an_etag()
    {
        var store = await CreateStoreAsync();
        var state = UserStateOf(42, GroupA);

        Assert.Null(await store.GetSnapshotAsync(EntityKey.User(42), None));
        // An expiry in the future: stores forget snapshots once it has passed (Cosmos: ttl).
        var expiresAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.TryWriteSnapshotAsync(new EntitySnapshot(state.Key, Stamp(7), state, expiresAt), null, None));

        var read = await store.GetSnapshotAsync(EntityKey.User(42), None);
        Assert.NotNull(read);
        Assert.NotNull(read.ETag);
        Assert.Equal(Stamp(7), read.Stamp);
        Assert.True(read.IsLive);
        var user = Assert.IsType<UserState>(read.State);
        Assert.Equal([GroupA], user.Groups);
        Assert.Equal("v", user.Attributes.GetProperty("k").GetString());
        Assert.Equal(expiresAt, read.ExpiresAt);
    }

    [Fact]
    public async Task Writes_snapshots_only_under_the_expected_etag()
    {
        var store = await CreateStoreAsync();
        var state = UserStateOf(42);
        var key = state.Key;
        Assert.True(await store.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(1), state), null, None));
        var first = (await store.GetSnapshotAsync(key, None))!;

        Assert.False(await store.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(2), state), null, None)); // create over an existing one
        Assert.True(await store.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(2, deleted: true), null), first.ETag, None));
        Assert.False(await store.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(3), state), first.ETag, None)); // stale etag

        var tombstone = (await store.GetSnapshotAsync(key, None))!;
        Assert.NotEqual(first.ETag, tombstone.ETag);
        Assert.False(tombstone.IsLive);
        Assert.Null(tombstone.State);
        Assert.Equal(Stamp(2, deleted: true), tombstone.Stamp);
    }

    [Fact]
    public async Task Reads_the_existing_snapshots_of_many_keys_in_one_call()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, new GroupState(GroupA, "a", false, null, Sample.Json("{}")));
        await PutAsync(store, new GroupState(GroupB, "b", true, GroupA, Sample.Json("{}")), deleted: true);

        var found = await store.GetSnapshotsAsync([EntityKey.Group(GroupA), EntityKey.Group(GroupB), EntityKey.Group(Guid.NewGuid()), EntityKey.Group(GroupA)], None);

        Assert.Equal([EntityKey.Group(GroupA), EntityKey.Group(GroupB)], found.Select(s => s.Key).OrderBy(k => k.Pk, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Finds_the_live_codes_of_a_user_and_of_a_provider_following_moves_and_deletes()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, CodeStateOf(1, provider: 7, user: 42));
        await PutAsync(store, CodeStateOf(2, provider: 8, user: 42));
        await PutAsync(store, CodeStateOf(3, provider: 7, user: 43));
        await PutAsync(store, CodeStateOf(4, provider: 7, user: 42), deleted: true);

        Assert.Equal(new long[] { 1, 2 }, (await store.GetLiveCodesOfUserAsync(42, None)).Select(c => c.Pk).Order());
        Assert.Equal(new long[] { 1, 3 }, (await store.GetLiveCodesOfProviderAsync(7, None)).Select(c => c.Pk).Order());

        await PutAsync(store, CodeStateOf(1, provider: 8, user: 43), version: 2);
        await PutAsync(store, CodeStateOf(2, provider: 8, user: 42), version: 2, deleted: true);

        Assert.Empty(await store.GetLiveCodesOfUserAsync(42, None));
        Assert.Equal(new long[] { 3 }, (await store.GetLiveCodesOfProviderAsync(7, None)).Select(c => c.Pk));
        Assert.Equal(new long[] { 1 }, (await store.GetLiveCodesOfProviderAsync(8, None)).Select(c => c.Pk));
        Assert.Equal(new long[] { 1, 3 }, (await store.GetLiveCodesOfUserAsync(43, None)).Select(c => c.Pk).Order());
    }

    [Fact]
    public async Task Finds_live_members_of_groups_and_live_children_of_a_group()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, UserStateOf(1, GroupA));
        await PutAsync(store, UserStateOf(2, GroupB, GroupA));
        await PutAsync(store, UserStateOf(3));
        await PutAsync(store, UserStateOf(4, GroupB), deleted: true);
        await PutAsync(store, new GroupState(GroupB, "b", false, GroupA, Sample.Json("{}")));
        var deletedChild = Guid.NewGuid();
        await PutAsync(store, new GroupState(deletedChild, "c", false, GroupA, Sample.Json("{}")), deleted: true);

        Assert.Equal(new long[] { 2 }, (await store.GetLiveUsersInGroupsAsync([GroupB], None)).Select(u => u.Pk));
        Assert.Equal(new long[] { 1, 2 }, (await store.GetLiveUsersInGroupsAsync([GroupA, GroupB], None)).Select(u => u.Pk).Order());
        Assert.Equal([GroupB], (await store.GetLiveChildGroupsAsync(GroupA, None)).Select(g => g.Pk)); // parent itself need not be live
        Assert.Empty(await store.GetLiveChildGroupsAsync(GroupB, None));
    }

    [Fact]
    public async Task Finds_the_live_applications_claiming_a_provider_directly_or_as_backchannel()
    {
        var store = await CreateStoreAsync();
        await PutAsync(store, new ApplicationState(AppOne, "one", "One", 7, [8]));
        await PutAsync(store, new ApplicationState(AppTwo, "two", "Two", 8, []));
        await PutAsync(store, new ApplicationState(Guid.NewGuid(), "gone", "Gone", 7, [7]), deleted: true);

        Assert.Equal([AppOne], (await store.GetLiveApplicationsClaimingProviderAsync(7, None)).Select(a => a.Pk));
        Assert.Equal([AppOne, AppTwo], (await store.GetLiveApplicationsClaimingProviderAsync(8, None)).Select(a => a.Pk).Order());
        Assert.Empty(await store.GetLiveApplicationsClaimingProviderAsync(9, None));
    }

    [Fact]
    public async Task Reads_back_the_derived_user_and_provider_views_by_pk()
    {
        var store = await SeededStoreAsync();

        Assert.Equal(Alice.Username, (await store.GetUserAsync(10, None))?.Username);
        AssertSameJson(ProviderTwo, await store.GetProviderAsync(2, None));
        Assert.Null(await store.GetUserAsync(99, None));

        await store.DeleteProviderAsync(2, None);
        Assert.Null(await store.GetProviderAsync(2, None));
    }

    [Fact]
    public async Task Reports_itself_reachable()
    {
        var store = await CreateStoreAsync();

        Assert.True(await store.IsReachableAsync(None));
    }

    [Fact]
    public async Task Records_rejected_events_lists_them_newest_first_and_forgets_them_on_request()
    {
        var store = await CreateStoreAsync();
        var older = new RejectedEvent("evt-1", "evt-1", "io.goauthentik.user.saved", "user/1", "Invalid payload: name is required.", T, """{"id":"evt-1"}""");
        var newer = new RejectedEvent("b64-hash", null, null, null, "The body is not valid JSON.", T.AddMinutes(1), null);
        await store.RecordRejectedEventAsync(older, None);
        await store.RecordRejectedEventAsync(newer, None);
        await store.RecordRejectedEventAsync(older with { Reason = "Redelivered." }, None);

        Assert.Equal([newer, older with { Reason = "Redelivered." }], await store.ListRejectedEventsAsync(10, None));
        Assert.Equal([newer], await store.ListRejectedEventsAsync(1, None));
        Assert.Equal(newer, await store.GetRejectedEventAsync("b64-hash", None));

        await store.DeleteRejectedEventAsync("evt-1", None);
        await store.DeleteRejectedEventAsync("evt-1", None);
        Assert.Null(await store.GetRejectedEventAsync("evt-1", None));
        Assert.Equal([newer], await store.ListRejectedEventsAsync(10, None));
    }
}
