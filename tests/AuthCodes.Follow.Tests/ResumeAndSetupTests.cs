using AuthCodes.Publishing;
using AuthCodes.Cli.Tests;
using Npgsql;

namespace AuthCodes.Follow.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ResumeAndSetupTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);

    private static async Task InsertCodesAsync(AuthentikRows rows, int from, int to)
    {
        for (var pk = from; pk <= to; pk++)
        {
            await rows.ExecuteAsync(AuthentikRows.Code(pk, 7, 1, Expires));
        }
    }

    private static HashSet<string> Codes(RecordingSink sink) =>
        [.. sink.Taken.Where(e => e.Subject.StartsWith("authorization_code/", StringComparison.Ordinal)).Select(e => e.Subject)];

    private static IEnumerable<string> CodeSubjects(int from, int to) => Enumerable.Range(from, to - from + 1).Select(pk => $"authorization_code/{pk}");

    [Fact]
    public async Task Killed_while_the_destination_is_down_and_restarted_it_resumes_from_the_slot_and_loses_nothing()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync($"{AuthentikRows.User(1, "alice", "Alice")}; {AuthentikRows.Provider(7, "Grafana")}");
        using var first = new RecordingSink();
        await using (var killed = new RunningFollower(db.Follow(), first))
        {
            await first.WaitForAsync(events => events.Count == 2);
            await InsertCodesAsync(rows, 1, 5);
            await first.UntilAsync(() => Codes(first).IsSupersetOf(CodeSubjects(1, 5)));
            first.Down = true;
            await InsertCodesAsync(rows, 6, 10);
            await first.UntilAsync(() => first.Refused > 0);
            await killed.StopAsync();
        }

        Assert.DoesNotContain("authorization_code/10", Codes(first));
        await InsertCodesAsync(rows, 11, 15);
        using var second = new RecordingSink();
        await using var restarted = new RunningFollower(db.Follow(), second);
        await second.UntilAsync(() => Codes(second).IsSupersetOf(CodeSubjects(6, 15)));
        Assert.Contains("resuming from replication slot", restarted.Reports, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Taken, e => e.Subject == "user/1");
    }

    [Fact]
    public async Task A_fresh_snapshot_into_a_destination_followed_before_deletes_what_vanished_in_between()
    {
        // The local host's reconnect: temporary slots, so nothing recorded the changes between the two runs.
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        var staff = Guid.Parse("7a2c3d4e-0000-4000-8000-000000000002");
        await rows.ExecuteAsync(string.Join(";\n",
            AuthentikRows.Group(staff, "Staff"), AuthentikRows.User(1, "alice", "Alice"), AuthentikRows.User(2, "bob", "Bob"),
            AuthentikRows.Provider(7, "Grafana"), AuthentikRows.Code(9001, 7, 2, Expires)));
        var followed = new FollowedEntities();
        var temporary = db.Follow() with { TemporarySlot = true, CreateSlot = false };
        using var first = new RecordingSink();
        await using (var before = new RunningFollower(temporary, first, followed))
        {
            await first.WaitForAsync(events => events.Count == 5);
            await rows.ExecuteAsync(AuthentikRows.User(3, "carol", "Carol"));
            await first.WaitForAsync(events => events.Any(e => (string)e["subject"]! == "user/3"));
        }

        await rows.ExecuteAsync($"""
            DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = 9001;
            DELETE FROM authentik_core_user WHERE id IN (2, 3);
            DELETE FROM authentik_core_group WHERE group_uuid = '{staff}'
            """);
        using var second = new RecordingSink();
        // Another slot name: the first connection's temporary slot goes when the server notices it closed.
        await using var after = new RunningFollower(temporary with { Slot = db.Name + "_again" }, second, followed);
        var load = await second.WaitForAsync(events => events.Count == 5);

        // Two saved (alice, the provider) and three deleted, all at the new snapshot's version.
        Assert.Equal(
            ["io.goauthentik.group.deleted group/" + staff, "io.goauthentik.provider.saved provider/7", "io.goauthentik.user.deleted user/2",
             "io.goauthentik.user.deleted user/3", "io.goauthentik.user.saved user/1"],
            load.Select(e => $"{(string)e["type"]!} {(string)e["subject"]!}").Order(StringComparer.Ordinal));
        Assert.Single(load.Select(e => (string)e["entityversion"]!).Distinct());
        Assert.Contains("5 event(s), 3 of them deleting what vanished since the last snapshot,", after.Reports, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_slot_or_publication_is_one_line_with_its_remedy()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        var follow = db.Follow() with { CreateSlot = false, CreatePublication = false };
        var noPublication = await Assert.ThrowsAsync<FollowSetupException>(() => RunAsync(follow));
        Assert.StartsWith("publication 'authcodes' does not exist: run with --create-publication, or as the tables' owner: CREATE PUBLICATION \"authcodes\" FOR TABLE public.authentik_providers_oauth2_authorizationcode, ", noPublication.Message, StringComparison.Ordinal);

        await using (var connection = new NpgsqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE PUBLICATION authcodes FOR TABLE authentik_core_user", connection);
            await create.ExecuteNonQueryAsync();
        }

        var partial = await Assert.ThrowsAsync<FollowSetupException>(() => RunAsync(follow));
        Assert.StartsWith("publication 'authcodes' does not cover authentik_providers_oauth2_authorizationcode, authentik_core_user_ak_groups, ", partial.Message, StringComparison.Ordinal);

        var noSlot = await Assert.ThrowsAsync<FollowSetupException>(() => RunAsync(follow with { CreatePublication = true }));
        Assert.Equal(
            $"replication slot '{db.Name}' does not exist (a first run, or the slot was dropped): run with --create-slot, which loads the current state from the new slot's snapshot, so nothing is lost.",
            noSlot.Message);
        Assert.DoesNotContain('\n', noSlot.Message);
    }

    private static Task RunAsync(FollowSettings settings) =>
        new Follower(settings, new ChangeEventFactory(RunningFollower.Source), new RecordingSink(), _ => { }).RunAsync(CancellationToken.None);
}
