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
