using AuthCodes.ReadModel;
using AuthCodes.Testing;
using NSubstitute;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

public sealed class ProjectorTests
{
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    private static readonly Guid Staff = Guid.Parse("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed");
    private static readonly Guid Team = Guid.Parse("a3bb189e-8bf9-4888-9912-ace4e6543002");
    private static readonly Guid AppA = Guid.Parse("10000000-0000-4000-8000-00000000000a");
    private static readonly Guid AppB = Guid.Parse("20000000-0000-4000-8000-00000000000b");
    private readonly Harness h = new();

    [Fact]
    public async Task A_code_arriving_before_its_user_and_provider_is_listed_once_both_arrive()
    {
        await h.SendAllAsync(Code(1, V, provider: 7, user: 42));
        Assert.Empty(await h.ListedAsync());

        await h.SendAllAsync(User(42, V));
        Assert.Empty(await h.ListedAsync());

        await h.SendAllAsync(Provider(7, V));
        var code = await h.CodeAsync(1);
        Assert.NotNull(code);
        Assert.Equal("user42", code.User.Username);
        Assert.Equal("Provider 7", code.Provider.Name);
        Assert.Equal(["openid", "profile"], code.Scope);
    }

    [Fact]
    public async Task A_deleted_user_hides_codes_that_arrive_later_until_the_user_is_re_created_with_a_higher_version()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V, 7, 42), Deleted("user", "42", V + 1));
        Assert.Empty(await h.ListedAsync());
        Assert.False(await h.Store.Codes.UserExistsAsync(42, default));

        await h.SendAllAsync(Code(2, V, 7, 42));
        Assert.Empty(await h.ListedAsync());

        Assert.Equal(OutcomeKind.Ignored, (await h.SendAsync(User(42, V))).Kind);
        Assert.Empty(await h.ListedAsync());

        await h.SendAllAsync(User(42, V + 2, username: "reborn"));
        Assert.Equal(new long[] { 1, 2 }, await h.ListedAsync());
        Assert.Equal("reborn", (await h.CodeAsync(2))!.User.Username);
    }

    [Fact]
    public async Task A_deleted_provider_hides_its_codes_and_a_re_created_one_shows_them_with_its_new_state()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 7, 42));
        await h.SendAllAsync(Deleted("provider", "7", V + 1));
        Assert.Empty(await h.ListedAsync());
        Assert.False(await h.Store.Codes.ProviderExistsAsync(7, default));
        Assert.Empty(await h.Store.Codes.GetClientSecretsAsync([7], default));

        await h.SendAllAsync(Provider(7, V + 2, name: "Renamed"));
        Assert.Equal(new long[] { 1, 2 }, await h.ListedAsync());
        Assert.Equal("Renamed", (await h.CodeAsync(1))!.Provider.Name);
    }

    [Fact]
    public async Task Sixteen_digit_microsecond_versions_are_compared_as_numbers_end_to_end()
    {
        await h.SendAllAsync(Provider(7, V), Code(1, V, 7, 42));
        await h.SendAllAsync(User(42, 1_726_236_342_243_001, username: "newer"));

        var older = await h.SendAsync(User(42, 999_999_999_999_999, username: "older")); // 15 digits: numerically lower
        Assert.Equal(OutcomeKind.Ignored, older.Kind);
        Assert.Equal(1_726_236_342_243_001UL, (await h.Store.Snapshots.GetSnapshotAsync(EntityKey.User(42), default))!.Stamp.Version);
        Assert.Equal("newer", (await h.CodeAsync(1))!.User.Username);
    }

    [Fact]
    public async Task A_json_integer_version_is_accepted_too()
    {
        var json = User(42, V).Replace($"\"entityversion\":\"{V}\"", $"\"entityversion\":{V}", StringComparison.Ordinal);

        Assert.Equal(OutcomeKind.Applied, (await h.SendAsync(json)).Kind);
        Assert.Equal(V, (await h.Store.Snapshots.GetSnapshotAsync(EntityKey.User(42), default))!.Stamp.Version);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task On_equal_versions_deleted_beats_saved_in_either_order(bool deleteFirst)
    {
        await h.SendAllAsync(Provider(7, V), Code(1, V, 7, 42));
        var saved = User(42, V, id: "zzz");
        var deleted = Deleted("user", "42", V, id: "aaa");

        var outcomes = deleteFirst
            ? new[] { await h.SendAsync(deleted), await h.SendAsync(saved) }
            : [await h.SendAsync(saved), await h.SendAsync(deleted)];

        Assert.Equal([OutcomeKind.Applied, deleteFirst ? OutcomeKind.Ignored : OutcomeKind.Applied], outcomes.Select(o => o.Kind));
        Assert.False(await h.Store.Codes.UserExistsAsync(42, default));
        Assert.Empty(await h.ListedAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task On_equal_versions_the_saved_event_with_the_larger_id_wins_in_either_order(bool largerFirst)
    {
        await h.SendAllAsync(Provider(7, V), Code(1, V, 7, 42));
        var small = User(42, V, username: "from-id-A", id: "A-0001");
        var large = User(42, V, username: "from-id-b", id: "b-0001"); // 'b' > 'A' ordinally

        foreach (var json in largerFirst ? new[] { large, small } : [small, large])
        {
            await h.SendAsync(json);
        }

        Assert.Equal("from-id-b", (await h.CodeAsync(1))!.User.Username);
    }

    [Fact]
    public async Task An_exact_duplicate_is_ignored_writes_no_snapshot_and_derives_its_items_again()
    {
        var snapshots = Substitute.For<ISnapshotStore>();
        var views = Substitute.For<IViewStore>();
        var json = User(42, V, id: "dup");
        var seed = new Harness();
        var parsed = seed.Parser.Parse(BinaryData.FromString(json));
        snapshots.GetSnapshotAsync(EntityKey.User(42), Arg.Any<CancellationToken>())
            .Returns(new EntitySnapshot(EntityKey.User(42), parsed.Event!.Stamp, parsed.Event.State, ETag: "\"1\""));
        var projector = new Projector(snapshots, views, seed.Time);

        var outcome = await projector.ApplyAsync(parsed, default);

        Assert.Equal(OutcomeKind.Ignored, outcome.Kind);
        Assert.StartsWith("Duplicate", outcome.Reason, StringComparison.Ordinal);
        await snapshots.DidNotReceiveWithAnyArgs().TryWriteSnapshotAsync(default!, default, default);
        await views.Received(1).SaveUserAsync(Arg.Is<UserView>(u => u.Pk == 42), Arg.Any<CancellationToken>()); // a failure may have interrupted the first delivery
        await views.DidNotReceiveWithAnyArgs().SaveCodeAsync(default!, default);
        await views.DidNotReceiveWithAnyArgs().DeleteCodeAsync(default, default);
    }

    [Fact]
    public async Task An_ignored_event_says_why_naming_the_applied_version_its_kind_and_its_id()
    {
        await h.SendAllAsync(Deleted("user", "42", V + 1, id: "evt-delete"));

        var stale = await h.SendAsync(User(42, V, id: "evt-late"));
        var expired = await h.SendAsync(Code(1, V, 7, 42, expires: Sample.Now.AddHours(-2)));

        Assert.Equal((OutcomeKind.Ignored, "Stale: version 1726236342243001 (deleted, id evt-delete) is already applied."), (stale.Kind, stale.Reason));
        Assert.Equal((OutcomeKind.Ignored, "The code expired before now minus the grace period."), (expired.Kind, expired.Reason));
    }

    [Fact]
    public async Task A_code_that_expired_exactly_a_grace_period_ago_is_still_applied()
    {
        var outcome = await h.SendAsync(Code(1, V, 7, 42, expires: Sample.Now.AddHours(-1)));

        Assert.Equal(OutcomeKind.Applied, outcome.Kind);
    }

    [Fact]
    public async Task A_lost_concurrency_race_is_retried_and_then_surfaces_as_a_transient_failure()
    {
        var snapshots = Substitute.For<ISnapshotStore>();
        var views = Substitute.For<IViewStore>();
        snapshots.TryWriteSnapshotAsync(default!, default, default).ReturnsForAnyArgs(false);
        var projector = new Projector(snapshots, views, h.Time);

        await Assert.ThrowsAsync<SnapshotConflictException>(() => projector.ApplyAsync(h.Parser.Parse(BinaryData.FromString(User(42, V))), default));
        await snapshots.ReceivedWithAnyArgs(5).TryWriteSnapshotAsync(default!, default, default);
        await views.DidNotReceiveWithAnyArgs().SaveUserAsync(default!, default);
    }

    [Fact]
    public async Task Derived_writes_whose_inputs_keep_changing_are_redone_a_bounded_number_of_times_and_then_surface_as_a_transient_failure()
    {
        var snapshots = Substitute.For<ISnapshotStore>();
        var views = Substitute.For<IViewStore>();
        var parsed = h.Parser.Parse(BinaryData.FromString(Code(1, V, 7, 42)));
        snapshots.GetSnapshotAsync(EntityKey.Code(1), Arg.Any<CancellationToken>())
            .Returns(null, new EntitySnapshot(EntityKey.Code(1), parsed.Event!.Stamp, parsed.Event.State, ETag: "\"1\""));
        snapshots.TryWriteSnapshotAsync(default!, default, default).ReturnsForAnyArgs(true);
        views.GetUserAsync(42, Arg.Any<CancellationToken>()).Returns(Sample.User(42));
        var renames = 0;
        views.GetProviderAsync(7, Arg.Any<CancellationToken>()).Returns(_ => Sample.Provider(7, $"Renamed {++renames}")); // another instance renames it each time
        var projector = new Projector(snapshots, views, h.Time, new ProjectionOptions { MaxSnapshotWriteAttempts = 3 });

        await Assert.ThrowsAsync<SnapshotConflictException>(() => projector.ApplyAsync(parsed, default));
        await views.ReceivedWithAnyArgs(4).SaveCodeAsync(default!, default); // the first write, then one per check that found a change
    }

    [Fact]
    public async Task Groups_are_derived_with_num_pk_parent_name_and_only_live_groups_in_event_order()
    {
        await h.SendAllAsync(
            Provider(7, V),
            Group(Staff, V, "staff"),
            Group(Team, V, "team", parent: Staff),
            User(42, V, groups: [Team, Admins, Staff]), // Admins has not arrived
            Code(1, V, 7, 42));

        var user = (await h.CodeAsync(1))!.User;
        Assert.Equal([Team, Staff], user.Groups);
        Assert.Equal(21763, user.GroupsObj[0].NumPk); // python3: int(str(uuid.UUID("a3bb189e-8bf9-4888-9912-ace4e6543002").int)[:5])
        Assert.Equal((Staff, "staff"), (user.GroupsObj[0].Parent!.Value, user.GroupsObj[0].ParentName!));
        Assert.False(user.IsSuperuser);

        await h.SendAllAsync(Group(Admins, V, "admins", isSuperuser: true));
        user = (await h.CodeAsync(1))!.User;
        Assert.Equal([Team, Admins, Staff], user.Groups);
        Assert.True(user.IsSuperuser);

        await h.SendAllAsync(Deleted("group", Staff.ToString(), V + 1));
        user = (await h.CodeAsync(1))!.User;
        Assert.Equal([Team, Admins], user.Groups);
        Assert.Null(user.GroupsObj[0].Parent);
        Assert.Null(user.GroupsObj[0].ParentName);
    }

    [Fact]
    public async Task A_group_moved_under_a_superuser_parent_makes_members_of_it_and_its_descendants_superusers()
    {
        var child = Guid.Parse("c0000000-0000-4000-8000-000000000001");
        await h.SendAllAsync(
            Provider(7, V),
            Group(Admins, V, "admins", isSuperuser: true),
            Group(Staff, V, "staff"),
            Group(Team, V, "team", parent: Staff),
            Group(child, V, "child", parent: Team),
            User(42, V, groups: [child]),
            User(43, V, groups: [Team]),
            Code(1, V, 7, 42),
            Code(2, V, 7, 43));
        Assert.False((await h.CodeAsync(1))!.User.IsSuperuser);

        await h.SendAllAsync(Group(Team, V + 1, "team", parent: Admins));

        Assert.True((await h.CodeAsync(1))!.User.IsSuperuser);
        var member = (await h.CodeAsync(2))!.User;
        Assert.True(member.IsSuperuser);
        Assert.Equal("admins", member.GroupsObj[0].ParentName);
        Assert.True((await h.Store.Codes.FindUserAsync(SubjectMode.UserId, "42", default))!.IsSuperuser);
    }

    [Fact]
    public async Task A_group_turning_superuser_re_derives_the_members_of_its_grandchildren()
    {
        var grandchild = Guid.Parse("c0000000-0000-4000-8000-000000000002");
        await h.SendAllAsync(
            Provider(7, V),
            Group(Staff, V, "staff"),
            Group(Team, V, "team", parent: Staff),
            Group(grandchild, V, "grandchild", parent: Team),
            User(42, V, groups: [grandchild]),
            Code(1, V, 7, 42));
        Assert.False((await h.CodeAsync(1))!.User.IsSuperuser);

        await h.SendAllAsync(Group(Staff, V + 1, "staff", isSuperuser: true));

        Assert.True((await h.CodeAsync(1))!.User.IsSuperuser);
    }

    [Fact]
    public async Task A_groups_attributes_reach_its_members_groups_obj()
    {
        var data = GroupData(Team, "team");
        data["attributes"] = new System.Text.Json.Nodes.JsonObject { ["notify"] = "ops" };
        await h.SendAllAsync(Provider(7, V), Envelope("group", "saved", Team.ToString(), V, data), User(42, V, groups: [Team]), Code(1, V, 7, 42));

        Assert.Equal("""{"notify":"ops"}""", (await h.CodeAsync(1))!.User.GroupsObj[0].Attributes.GetRawText());
    }

    [Fact]
    public async Task A_parent_cycle_ends_the_walk_without_making_anyone_a_superuser()
    {
        await h.SendAllAsync(
            Provider(7, V),
            Group(Staff, V, "staff", parent: Team),
            Group(Team, V, "team", parent: Staff),
            User(42, V, groups: [Team]),
            Code(1, V, 7, 42));

        var user = (await h.CodeAsync(1))!.User;
        Assert.False(user.IsSuperuser);
        Assert.Equal("staff", user.GroupsObj[0].ParentName);
    }

    [Theory]
    [InlineData(20, true)]
    [InlineData(21, false)]
    public async Task The_superuser_walk_counts_the_direct_group_as_depth_one_and_stops_after_depth_twenty(int superuserDepth, bool expected)
    {
        var chain = Enumerable.Range(1, superuserDepth).Select(i => new Guid($"d0000000-0000-4000-8000-{i:D12}")).ToArray();
        var events = new List<string> { Provider(7, V) };
        for (var depth = 1; depth <= superuserDepth; depth++)
        {
            events.Add(Group(chain[depth - 1], V, $"g{depth}", isSuperuser: depth == superuserDepth, parent: depth < superuserDepth ? chain[depth] : null));
        }

        events.Add(User(42, V, groups: [chain[0]]));
        events.Add(Code(1, V, 7, 42));
        await h.SendAllAsync([.. events]);

        Assert.Equal(expected, (await h.CodeAsync(1))!.User.IsSuperuser);
    }

    [Fact]
    public async Task An_application_switching_providers_moves_its_assignment_and_the_lowest_pk_wins_ties()
    {
        await h.SendAllAsync(Provider(7, V), Provider(8, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 8, 42));
        await h.SendAllAsync(Application(AppB, V, "bravo", provider: 7, 8));

        Assert.Equal(("bravo", "BRAVO"), ((await h.CodeAsync(1))!.Provider.AssignedApplicationSlug, (await h.CodeAsync(1))!.Provider.AssignedApplicationName));
        Assert.Equal("bravo", (await h.CodeAsync(2))!.Provider.AssignedBackchannelApplicationSlug);
        Assert.Null((await h.CodeAsync(2))!.Provider.AssignedApplicationSlug);

        await h.SendAllAsync(Application(AppA, V, "alpha", provider: 7));
        Assert.Equal("alpha", (await h.CodeAsync(1))!.Provider.AssignedApplicationSlug); // 1000... < 2000...

        await h.SendAllAsync(Application(AppA, V + 1, "alpha", provider: 8));
        Assert.Equal("bravo", (await h.CodeAsync(1))!.Provider.AssignedApplicationSlug);
        Assert.Equal("alpha", (await h.CodeAsync(2))!.Provider.AssignedApplicationSlug);

        await h.SendAllAsync(Deleted("application", AppB.ToString(), V + 1));
        Assert.Null((await h.CodeAsync(1))!.Provider.AssignedApplicationSlug);
        Assert.Null((await h.CodeAsync(2))!.Provider.AssignedBackchannelApplicationSlug);
    }

    [Fact]
    public async Task A_user_change_re_derives_every_code_of_the_user()
    {
        await h.SendAllAsync(Provider(7, V), Provider(8, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 8, 42), User(43, V), Code(3, V, 7, 43));

        await h.SendAllAsync(User(42, V + 1, username: "renamed"));

        Assert.Equal("renamed", (await h.CodeAsync(1))!.User.Username);
        Assert.Equal("renamed", (await h.CodeAsync(2))!.User.Username);
        Assert.Equal("user43", (await h.CodeAsync(3))!.User.Username);
        Assert.Equal(42, (await h.Store.Codes.FindUserAsync(SubjectMode.UserUsername, "renamed", default))?.Pk);
    }

    [Fact]
    public async Task Codes_expired_longer_than_the_grace_period_are_ignored_and_recent_ones_are_listed()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V));

        var old = await h.SendAsync(Code(1, V, 7, 42, expires: Sample.Now.AddHours(-1).AddSeconds(-1)));
        var recent = await h.SendAsync(Code(2, V, 7, 42, expires: Sample.Now.AddMinutes(-59)));

        Assert.Equal(OutcomeKind.Ignored, old.Kind);
        Assert.Equal(OutcomeKind.Applied, recent.Kind);
        Assert.Null(await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(1), default));
        Assert.Equal(new long[] { 2 }, await h.ListedAsync());
        Assert.True((await h.CodeAsync(2))!.IsExpiredAt(Sample.Now));
        Assert.Equal(Sample.Now.AddMinutes(-59).AddHours(1), (await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(2), default))!.ExpiresAt);
    }

    [Fact]
    public async Task A_deleted_code_is_unlisted_and_an_older_save_does_not_bring_it_back()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V + 5, 7, 42), Deleted("authorization_code", "1", V + 6));

        Assert.Equal(OutcomeKind.Ignored, (await h.SendAsync(Code(1, V + 5, 7, 42))).Kind);
        Assert.Empty(await h.ListedAsync());
    }

    [Fact]
    public async Task A_code_tombstone_is_forgotten_a_grace_period_after_the_expiry_of_the_code_it_deletes()
    {
        var expires = Sample.Now.AddMinutes(1);
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V, 7, 42, expires), Deleted("authorization_code", "1", V + 1));
        await h.SendAsync(Deleted("authorization_code", "2", V)); // a delete that arrived before its code

        Assert.Equal(expires.AddHours(1), (await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(1), default))!.ExpiresAt);
        Assert.Null((await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(2), default))!.ExpiresAt);

        h.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(1), default));
        Assert.NotNull(await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Code(2), default));
    }

    [Fact]
    public async Task The_client_secret_stays_in_the_provider_snapshot_and_never_in_code_documents()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V, 7, 42));

        Assert.Equal("s3cr3t-provider7", (await h.Store.Codes.GetClientSecretsAsync([7], default))[7]);
        Assert.DoesNotContain("s3cr3t", System.Text.Json.JsonSerializer.Serialize(await h.CodeAsync(1)), StringComparison.Ordinal);
        var snapshot = await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Provider(7), default);
        Assert.DoesNotContain("s3cr3t", snapshot!.ToString(), StringComparison.Ordinal);
    }
}
