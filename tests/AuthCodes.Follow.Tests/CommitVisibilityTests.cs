using System.Globalization;
using System.Text.Json.Nodes;
using AuthCodes.Publishing;
using AuthCodes.Cli.Tests;
using Npgsql;

namespace AuthCodes.Follow.Tests;

/// <summary>
/// Logical decoding can hand out a commit a moment before other sessions see it. The entity read for
/// that commit must show its state, not the one before: here the committing transaction is held open
/// while the read starts, which widens that moment at will.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CommitVisibilityTests(PostgresCluster cluster)
{
    [Fact]
    public async Task An_entity_read_for_a_commit_not_yet_visible_waits_for_it_and_shows_the_committed_state()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using (var rows = new AuthentikRows(db.ConnectionString))
        {
            await rows.ExecuteAsync(AuthentikRows.User(1, "alice", "Alice Liddell"));
        }

        await using var writer = new NpgsqlConnection(db.ConnectionString);
        await writer.OpenAsync();
        await using var rename = await writer.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE authentik_core_user SET name = 'Alice L.' WHERE id = 1", writer, rename))
        {
            await update.ExecuteNonQueryAsync();
        }

        await using var currentXid = new NpgsqlCommand("SELECT pg_current_xact_id()::text", writer, rename);
        var fullXid = ulong.Parse((string)(await currentXid.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
        Assert.True(fullXid > uint.MaxValue, "the cluster's transaction ids are past their first epoch");
        var xid = (uint)fullXid; // what pgoutput reports

        await using var reader = new NpgsqlConnection(db.ConnectionString);
        await reader.OpenAsync();
        var clock = new SignalingClock(TestEvents.Now);
        var changes = new TransactionChanges();
        changes.Entities.Users.Add(1);
        var reading = new CommitEvents(new ChangeEventFactory(RunningFollower.Source), clock).BuildAsync(changes, reader, xid, 42, TestEvents.Now, CancellationToken.None);

        // A read that did not wait has answered from before the commit: the name below says so.
        await Task.WhenAny(reading, clock.TimerCreated(CommitSnapshot.RetryDelay, 1));
        await rename.CommitAsync();
        clock.Advance(CommitSnapshot.RetryDelay);

        var user = JsonNode.Parse(Assert.Single(await reading).Json)!["data"]!;
        Assert.Equal("Alice L.", (string)user["name"]!);
    }
}
