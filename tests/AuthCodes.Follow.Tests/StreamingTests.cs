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
}
