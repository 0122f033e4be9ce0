using System.Text.Json.Nodes;
using AuthCodes.Projection;
using AuthCodes.Cli.Tests;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Follow.Tests;

/// <summary>Changes spread over several tables become whole-entity events; the read model built from them shows what authentik's API would.</summary>
[Collection(PostgresCollection.Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
public sealed class EntityChangeTests(PostgresCluster cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    private static readonly Guid Staff = Guid.Parse("7a2c3d4e-0000-4000-8000-000000000002");
    private static readonly Guid Grafana = Guid.Parse("c1d2e3f4-0000-4000-8000-000000000007");
    private static readonly Guid Wiki = Guid.Parse("c1d2e3f4-0000-4000-8000-000000000008");

    private readonly RecordingSink sink = new();
    private AuthentikRows rows = null!;
    private RunningFollower follower = null!;

    public async Task InitializeAsync()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync(string.Join(";\n",
            AuthentikRows.Group(Admins, "authentik Admins", superuser: true), AuthentikRows.Group(Staff, "Staff"),
            AuthentikRows.User(1, "alice", "Alice Liddell"), AuthentikRows.Membership(1, Staff),
            AuthentikRows.Provider(7, "Grafana"), AuthentikRows.Application(Grafana, "grafana", null), AuthentikRows.Application(Wiki, "wiki", null),
            AuthentikRows.Code(9001, 7, 1, Expires)));
        follower = new RunningFollower(db.Follow(), sink);
        await sink.WaitForAsync(events => events.Count == 7);
    }

    public async Task DisposeAsync()
    {
        await follower.DisposeAsync();
        await rows.DisposeAsync();
        sink.Dispose();
    }

    /// <summary>
    /// Commits the statements and returns the first event about the subject from this commit on (by its
    /// entityversion, the commit LSN): an event of an earlier commit that arrives late is not taken for it.
    /// </summary>
    private async Task<JsonObject> ChangeAsync(string sql, string subject)
    {
        var before = await rows.WalPositionAsync();
        await rows.ExecuteAsync(sql);
        bool Caused(JsonObject e) => (string)e["subject"]! == subject && ulong.Parse((string)e["entityversion"]!, System.Globalization.CultureInfo.InvariantCulture) > before;
        var events = await sink.WaitForAsync(all => all.Any(Caused));
        return events.First(Caused);
    }

    private async Task<CodeDocument> ListedCodeAsync()
    {
        var readModel = new ReadModelHarness(new FakeTimeProvider(TestEvents.Now), RunningFollower.Source);
        Assert.All(await readModel.ApplyAsync(sink.Taken.Select(e => e.Json)), o => Assert.NotEqual(OutcomeKind.Rejected, o.Kind));
        return Assert.Single(await readModel.CodesAsync());
    }

    [Fact]
    public async Task A_user_deactivated_renamed_and_moved_between_groups_is_one_whole_user_event_per_commit()
    {
        var user = (await ChangeAsync("UPDATE authentik_core_user SET is_active = false, name = 'Alice L.' WHERE id = 1", "user/1"))["data"]!;
        Assert.False((bool)user["is_active"]!);
        Assert.Equal("Alice L.", (string)user["name"]!);
        Assert.Equal(new JsonArray(Staff.ToString()).ToJsonString(), user["groups"]!.ToJsonString());
        Assert.False((await ListedCodeAsync()).User.IsSuperuser);

        user = (await ChangeAsync($"DELETE FROM authentik_core_user_ak_groups WHERE user_id = 1; {AuthentikRows.Membership(1, Admins)}", "user/1"))["data"]!;
        Assert.Equal(new JsonArray(Admins.ToString()).ToJsonString(), user["groups"]!.ToJsonString());
        var code = await ListedCodeAsync();
        Assert.True(code.User.IsSuperuser);
        Assert.Equal(["authentik Admins"], code.User.GroupsObj!.Select(g => g.Name));
    }

    [Fact]
    public async Task A_group_moved_under_a_superuser_group_makes_its_members_superusers()
    {
        Assert.Equal(Admins.ToString(), (string)(await ChangeAsync($"UPDATE authentik_core_group SET parent_id = '{Admins}' WHERE group_uuid = '{Staff}'", $"group/{Staff}"))["data"]!["parent"]!);
        var code = await ListedCodeAsync();
        Assert.True(code.User.IsSuperuser);
        Assert.Equal("authentik Admins", Assert.Single(code.User.GroupsObj!).ParentName);

        await ChangeAsync($"UPDATE authentik_core_group SET parent_id = NULL WHERE group_uuid = '{Staff}'", $"group/{Staff}");
        Assert.False((await ListedCodeAsync()).User.IsSuperuser);
    }

    [Fact]
    public async Task A_provider_renamed_reaches_its_codes()
    {
        Assert.Equal("Grafana (prod)", (string)(await ChangeAsync("UPDATE authentik_core_provider SET name = 'Grafana (prod)' WHERE id = 7", "provider/7"))["data"]!["name"]!);
        Assert.Equal("Grafana (prod)", (await ListedCodeAsync()).Provider.Name);

        Assert.Equal("""["11111111-0000-4000-8000-000000000001"]""", (await ChangeAsync("INSERT INTO authentik_core_provider_property_mappings (provider_id, propertymapping_id) VALUES (7, '11111111-0000-4000-8000-000000000001')", "provider/7"))["data"]!["property_mappings"]!.ToJsonString());
        Assert.Equal("[]", (await ChangeAsync("DELETE FROM authentik_core_provider_property_mappings", "provider/7"))["data"]!["property_mappings"]!.ToJsonString());
    }

    [Fact]
    public async Task An_application_assigned_then_reassigned_moves_the_providers_assignment()
    {
        Assert.Equal(7, (int)(await ChangeAsync($"UPDATE authentik_core_application SET provider_id = 7 WHERE policybindingmodel_ptr_id = '{Grafana}'", $"application/{Grafana}"))["data"]!["provider"]!);
        Assert.Equal("grafana", (await ListedCodeAsync()).Provider.AssignedApplicationSlug);

        await ChangeAsync($"""
            UPDATE authentik_core_application SET provider_id = NULL WHERE policybindingmodel_ptr_id = '{Grafana}';
            UPDATE authentik_core_application SET provider_id = 7 WHERE policybindingmodel_ptr_id = '{Wiki}'
            """, $"application/{Wiki}");
        Assert.Equal("wiki", (await ListedCodeAsync()).Provider.AssignedApplicationSlug);

        Assert.Equal("[7]", (await ChangeAsync($"UPDATE authentik_core_provider SET backchannel_application_id = '{Grafana}' WHERE id = 7", $"application/{Grafana}"))["data"]!["backchannel_providers"]!.ToJsonString());
        Assert.Equal("[]", (await ChangeAsync("UPDATE authentik_core_provider SET backchannel_application_id = NULL WHERE id = 7", $"application/{Grafana}"))["data"]!["backchannel_providers"]!.ToJsonString());
    }

    [Fact]
    public async Task Several_changes_in_one_transaction_are_one_event_per_entity_with_its_state_at_commit()
    {
        var before = sink.Taken.Count;
        await rows.ExecuteAsync($"""
            {AuthentikRows.Code(9002, 7, 1, Expires)};
            UPDATE authentik_providers_oauth2_authorizationcode SET _scope = 'openid email' WHERE id = 9002;
            UPDATE authentik_core_user SET name = 'A' WHERE id = 1;
            UPDATE authentik_core_user SET name = 'Alice Pleasance Liddell' WHERE id = 1;
            {AuthentikRows.Membership(1, Admins)};
            {AuthentikRows.Code(9003, 7, 1, Expires)};
            DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = 9003
            """);
        var events = (await sink.WaitForAsync(all => all.Count >= before + 3))[before..];
        await ChangeAsync("UPDATE authentik_core_group SET name = 'Staff!' WHERE name = 'Staff'", $"group/{Staff}");
        Assert.Equal(["authorization_code/9002", "authorization_code/9003", "user/1"], events.Select(e => (string)e["subject"]!).Order());
        Assert.Single(events.Select(e => (string)e["entityversion"]!).Distinct());
        Assert.Equal("""["openid","email"]""", events.Single(e => (string)e["subject"]! == "authorization_code/9002")["data"]!["scope"]!.ToJsonString());
        Assert.EndsWith("deleted", (string)events.Single(e => (string)e["subject"]! == "authorization_code/9003")["type"]!, StringComparison.Ordinal);
        var user = events.Single(e => (string)e["subject"]! == "user/1")["data"]!;
        Assert.Equal("Alice Pleasance Liddell", (string)user["name"]!);
        Assert.Equal(new JsonArray(Staff.ToString(), Admins.ToString()).ToJsonString(), user["groups"]!.ToJsonString());
    }

    [Fact]
    public async Task A_user_deleted_with_its_codes_and_memberships_is_deleted_and_its_code_unlisted()
    {
        Assert.EndsWith("deleted", (string)(await ChangeAsync("""
            DELETE FROM authentik_providers_oauth2_authorizationcode WHERE user_id = 1;
            DELETE FROM authentik_core_user_ak_groups WHERE user_id = 1;
            DELETE FROM authentik_core_user WHERE id = 1
            """, "user/1"))["type"]!, StringComparison.Ordinal);
        var readModel = new ReadModelHarness(new FakeTimeProvider(TestEvents.Now), RunningFollower.Source);
        await readModel.ApplyAsync(sink.Taken.Select(e => e.Json));
        Assert.Empty(await readModel.CodesAsync());
    }
}
