using System.Text.Json.Nodes;
using AuthCodes.Cli.Tests;

namespace AuthCodes.Follow.Tests;

[Collection(PostgresCollection.Name)]
public sealed class StreamingTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);

    private static string Subject(JsonObject e) => (string)e["subject"]!;

    private static string Type(JsonObject e) => ((string)e["type"]!)["io.goauthentik.".Length..];

    [Fact]
    public async Task A_code_inserted_is_saved_from_its_row_and_a_code_exchanged_is_deleted_both_versioned_by_the_commit_lsn()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync($"{AuthentikRows.User(1, "alice", "Alice")}; {AuthentikRows.Provider(7, "Grafana")}");
        using var sink = new RecordingSink();
        await using var follower = new RunningFollower(db.Follow(), sink);
        await sink.WaitForAsync(events => events.Count == 2);

        await rows.ExecuteAsync(AuthentikRows.Code(9001, 7, 1, Expires));
        var saved = (await sink.WaitForAsync(events => events.Any(e => Subject(e) == "authorization_code/9001"))).Last();
        Assert.Equal("authorization_code.saved", Type(saved));
        Assert.Equal(
            """{"pk":9001,"provider":7,"user":1,"expires":"2024-09-13T15:05:42.000000Z","expiring":true,"scope":["openid","profile"]}""",
            saved["data"]!.ToJsonString());

        await rows.ExecuteAsync("DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = 9001");
        var deleted = (await sink.WaitForAsync(events => events.Count(e => Subject(e) == "authorization_code/9001") == 2)).Last();
        Assert.Equal("authorization_code.deleted", Type(deleted));
        Assert.Equal("""{"pk":9001}""", deleted["data"]!.ToJsonString());
        Assert.True(ulong.Parse((string)deleted["entityversion"]!) > ulong.Parse((string)saved["entityversion"]!));
    }

    [Fact]
    public async Task A_code_updated_without_its_stored_out_of_line_scope_is_read_whole_at_the_commit()
    {
        // 200 random scope tokens (about 7 KB) do not compress below PostgreSQL's 2 KB TOAST threshold, so an
        // update that leaves the scope alone replicates it as "unchanged" instead of its value.
        var scope = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"s{i:D3}{Guid.NewGuid():N}"));
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync($"{AuthentikRows.User(1, "alice", "Alice")}; {AuthentikRows.Provider(7, "Grafana")}; {AuthentikRows.Code(9001, 7, 1, Expires, scope)}");
        using var sink = new RecordingSink();
        await using var follower = new RunningFollower(db.Follow(), sink);
        await sink.WaitForAsync(events => events.Count == 3);

        await rows.ExecuteAsync("UPDATE authentik_providers_oauth2_authorizationcode SET expiring = false WHERE id = 9001");
        var updated = (await sink.WaitForAsync(events => events.Count(e => Subject(e) == "authorization_code/9001") == 2)).Last();

        Assert.False((bool)updated["data"]!["expiring"]!);
        Assert.Equal(scope.Split(' '), updated["data"]!["scope"]!.AsArray().Select(s => (string)s!));
    }
}
