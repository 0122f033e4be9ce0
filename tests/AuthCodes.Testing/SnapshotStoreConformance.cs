using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>The behaviour every <see cref="ISnapshotStore"/> must show: snapshots, optimistic concurrency, look-ups.</summary>
public abstract class SnapshotStoreConformance : ReadModelStoreConformance
{
    private static readonly Guid GroupA = Guid.Parse("aaaaaaaa-0000-4000-8000-000000000001");
    private static readonly Guid GroupB = Guid.Parse("bbbbbbbb-0000-4000-8000-000000000002");
    private static readonly Guid AppOne = Guid.Parse("11111111-0000-4000-8000-000000000001");
    private static readonly Guid AppTwo = Guid.Parse("22222222-0000-4000-8000-000000000002");

    private static EventStamp Stamp(ulong version, bool deleted = false) => new(version, deleted, $"evt-{version}");

    private static UserState UserStateOf(long pk, params Guid[] groups) => new(
        pk, $"user{pk}", $"User {pk}", true, null, groups, $"user{pk}@example.com", "", Sample.Json("""{"k":"v"}"""), $"uid-{pk}", "users", "internal",
        new Guid($"00000000-0000-4000-8000-{pk:D12}"));

    private static CodeState CodeStateOf(long pk, long provider, long user) => new(pk, provider, user, T.AddMinutes(5), true, ["openid"]);

    private static async Task PutAsync(ReadModelStores store, EntityState state, ulong version = 1, bool deleted = false)
    {
        var current = await store.Snapshots.GetSnapshotAsync(state.Key, None);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(state.Key, Stamp(version, deleted), deleted ? null : state), current?.ETag, None));
    }

    [Fact]
    public async Task Stores_a_snapshot_and_reads_it_back_with_an_etag()
    {
        var store = await CreateStoresAsync();
        var state = UserStateOf(42, GroupA);

        Assert.Null(await store.Snapshots.GetSnapshotAsync(EntityKey.User(42), None));
        // An expiry in the future: stores forget snapshots once it has passed (Cosmos: ttl).
        var expiresAt = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(state.Key, Stamp(7), state, expiresAt), null, None));

        var read = await store.Snapshots.GetSnapshotAsync(EntityKey.User(42), None);
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
        var store = await CreateStoresAsync();
        var state = UserStateOf(42);
        var key = state.Key;
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(1), state), null, None));
        var first = (await store.Snapshots.GetSnapshotAsync(key, None))!;

        Assert.False(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(2), state), null, None)); // create over an existing one
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(2, deleted: true), null), first.ETag, None));
        Assert.False(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(key, Stamp(3), state), first.ETag, None)); // stale etag

        var tombstone = (await store.Snapshots.GetSnapshotAsync(key, None))!;
        Assert.NotEqual(first.ETag, tombstone.ETag);
        Assert.False(tombstone.IsLive);
        Assert.Null(tombstone.State);
        Assert.Equal(Stamp(2, deleted: true), tombstone.Stamp);
    }

    [Fact]
    public async Task Reads_the_existing_snapshots_of_many_keys_in_one_call()
    {
        var store = await CreateStoresAsync();
        await PutAsync(store, new GroupState(GroupA, "a", false, null, Sample.Json("{}")));
        await PutAsync(store, new GroupState(GroupB, "b", true, GroupA, Sample.Json("{}")), deleted: true);

        var found = await store.Snapshots.GetSnapshotsAsync([EntityKey.Group(GroupA), EntityKey.Group(GroupB), EntityKey.Group(Guid.NewGuid()), EntityKey.Group(GroupA)], None);

        Assert.Equal([EntityKey.Group(GroupA), EntityKey.Group(GroupB)], found.Select(s => s.Key).OrderBy(k => k.PkText, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Finds_the_live_codes_of_a_user_and_of_a_provider_following_moves_and_deletes()
    {
        var store = await CreateStoresAsync();
        await PutAsync(store, CodeStateOf(1, provider: 7, user: 42));
        await PutAsync(store, CodeStateOf(2, provider: 8, user: 42));
        await PutAsync(store, CodeStateOf(3, provider: 7, user: 43));
        await PutAsync(store, CodeStateOf(4, provider: 7, user: 42), deleted: true);

        Assert.Equal(new long[] { 1, 2 }, (await store.Snapshots.GetLiveCodesOfUserAsync(42, None)).Select(c => c.Pk).Order());
        Assert.Equal(new long[] { 1, 3 }, (await store.Snapshots.GetLiveCodesOfProviderAsync(7, None)).Select(c => c.Pk).Order());

        await PutAsync(store, CodeStateOf(1, provider: 8, user: 43), version: 2);
        await PutAsync(store, CodeStateOf(2, provider: 8, user: 42), version: 2, deleted: true);

        Assert.Empty(await store.Snapshots.GetLiveCodesOfUserAsync(42, None));
        Assert.Equal(new long[] { 3 }, (await store.Snapshots.GetLiveCodesOfProviderAsync(7, None)).Select(c => c.Pk));
        Assert.Equal(new long[] { 1 }, (await store.Snapshots.GetLiveCodesOfProviderAsync(8, None)).Select(c => c.Pk));
        Assert.Equal(new long[] { 1, 3 }, (await store.Snapshots.GetLiveCodesOfUserAsync(43, None)).Select(c => c.Pk).Order());
    }

    [Fact]
    public async Task Finds_live_members_of_groups_and_live_children_of_a_group()
    {
        var store = await CreateStoresAsync();
        await PutAsync(store, UserStateOf(1, GroupA));
        await PutAsync(store, UserStateOf(2, GroupB, GroupA));
        await PutAsync(store, UserStateOf(3));
        await PutAsync(store, UserStateOf(4, GroupB), deleted: true);
        await PutAsync(store, new GroupState(GroupB, "b", false, GroupA, Sample.Json("{}")));
        var deletedChild = Guid.NewGuid();
        await PutAsync(store, new GroupState(deletedChild, "c", false, GroupA, Sample.Json("{}")), deleted: true);

        Assert.Equal(new long[] { 2 }, (await store.Snapshots.GetLiveUsersInGroupsAsync([GroupB], None)).Select(u => u.Pk));
        Assert.Equal(new long[] { 1, 2 }, (await store.Snapshots.GetLiveUsersInGroupsAsync([GroupA, GroupB], None)).Select(u => u.Pk).Order());
        Assert.Equal([GroupB], (await store.Snapshots.GetLiveChildGroupsAsync(GroupA, None)).Select(g => g.Pk)); // parent itself need not be live
        Assert.Empty(await store.Snapshots.GetLiveChildGroupsAsync(GroupB, None));
    }

    [Fact]
    public async Task Finds_the_live_applications_claiming_a_provider_directly_or_as_backchannel()
    {
        var store = await CreateStoresAsync();
        await PutAsync(store, new ApplicationState(AppOne, "one", "One", 7, [8]));
        await PutAsync(store, new ApplicationState(AppTwo, "two", "Two", 8, []));
        await PutAsync(store, new ApplicationState(Guid.NewGuid(), "gone", "Gone", 7, [7]), deleted: true);

        Assert.Equal([AppOne], (await store.Snapshots.GetLiveApplicationsClaimingProviderAsync(7, None)).Select(a => a.Pk));
        Assert.Equal([AppOne, AppTwo], (await store.Snapshots.GetLiveApplicationsClaimingProviderAsync(8, None)).Select(a => a.Pk).Order());
        Assert.Empty(await store.Snapshots.GetLiveApplicationsClaimingProviderAsync(9, None));
    }
}
