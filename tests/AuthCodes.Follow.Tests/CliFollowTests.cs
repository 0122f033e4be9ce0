using AuthCodes.Cli.Tests;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Follow.Tests;

[Collection(PostgresCollection.Name)]
public sealed class CliFollowTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);

    [Fact]
    public async Task Follow_sends_to_a_local_hosts_intake_until_stopped_and_then_says_where_it_resumes()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync($"{AuthentikRows.User(1, "alice", "Alice")}; {AuthentikRows.Provider(7, "Grafana")}; {AuthentikRows.Code(9001, 7, 1, Expires)}");
        var store = EmbeddedReadModelStore.Create(new FakeTimeProvider(TestEvents.Now));
        using var localHost = new AuthCodes.Cli.Tests.LocalHost(store, RunningFollower.Source);
        // The host judges expiry by the real clock; a long grace period keeps the fixed-date codes.
        using var host = localHost.WithWebHostBuilder(b => b.UseSetting("Events:CodeGracePeriod", "36500.00:00:00"));
        using var stop = new CancellationTokenSource();
        var cli = new AuthCodes.Cli.Tests.Cli { IntakeHandler = host.Server.CreateHandler(), Stop = stop.Token };
        var run = cli.RunAsync(
            "follow", "--postgres", db.ConnectionString, "--slot", db.Name, "--create-slot", "--create-publication",
            "--source", RunningFollower.Source, "--to", "http://localhost");

        await Eventually.TrueAsync(async () => (await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 10, CancellationToken.None)).Count == 1, () => cli.Error.ToString());
        await rows.ExecuteAsync(AuthentikRows.Code(9002, 7, 1, Expires));
        await Eventually.TrueAsync(async () => (await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 10, CancellationToken.None)).Count == 2, () => cli.Error.ToString());
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("initial load: 3 event(s) at LSN ", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("stopped; the destination took everything up to LSN ", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_without_a_slot_exits_4_with_the_remedy_and_without_a_source_or_a_host_exits_1()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        var cli = new AuthCodes.Cli.Tests.Cli();
        Assert.Equal(4, await cli.RunAsync(
            "follow", "--postgres", db.ConnectionString, "--slot", db.Name, "--create-publication", "--source", RunningFollower.Source, "--to", "http://localhost"));
        Assert.Equal(
            $"error: replication slot '{db.Name}' does not exist (a first run, or the slot was dropped): run with --create-slot, which loads the current state from the new slot's snapshot, so nothing is lost.",
            cli.Error.ToString().Trim());

        var nowhere = new AuthCodes.Cli.Tests.Cli();
        Assert.Equal(1, await nowhere.RunAsync("follow", "--postgres", "Database=authentik", "--source", RunningFollower.Source, "--to", "http://localhost"));
        Assert.Contains("say where authentik's database is", nowhere.Error.ToString(), StringComparison.Ordinal);

        var noSource = new AuthCodes.Cli.Tests.Cli();
        Assert.Equal(1, await noSource.RunAsync("follow", "--postgres", db.ConnectionString, "--to", "http://localhost"));
        Assert.Contains("follow needs --source", noSource.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follow_help_documents_its_options()
    {
        var cli = new AuthCodes.Cli.Tests.Cli();
        Assert.Equal(0, await cli.RunAsync("follow", "--help"));
        foreach (var option in new[] { "--postgres", "--slot", "--publication", "--create-slot", "--create-publication", "--source", "--to", "--topic", "AUTHCODES_PG" })
        {
            Assert.Contains(option, cli.Out.ToString(), StringComparison.Ordinal);
        }
    }
}

/// <summary>
/// Bounded polling for state that offers no signal (a store behind HTTP). It is fed by a real
/// PostgreSQL's logical replication, which only real time moves, so both the poll and its bound are real time.
/// </summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string>? explain = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out. {explain?.Invoke()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
        }
    }
}
