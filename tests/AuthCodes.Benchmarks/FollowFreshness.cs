using System.Collections.Concurrent;
using System.Diagnostics;
using AuthCodes.Follow;
using AuthCodes.Testing.Postgres;
using AuthCodes.Projection;
using AuthCodes.Publishing;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthCodes.Benchmarks;

/// <summary>
/// A load script for the logical-replication feed into the embedded store, the local host's
/// in-process composition (follower, intake, projector, store) over a throwaway PostgreSQL 15 started
/// as the follower's tests start it: freshness (a code's INSERT sent, to the code applied and
/// listed) at 100 inserts/s, then the sustained rate of a backlog of single-row INSERT and DELETE
/// transactions. <c>dotnet run -c Release --project tests/AuthCodes.Benchmarks -- follow</c>
/// </summary>
internal static class FollowFreshness
{
    public const string Name = "follow";
    private const int FreshnessCodes = 1_000;
    private const int PerSecond = 100;
    private const int BacklogCodes = 20_000;
    private static readonly DateTimeOffset Expires = DateTimeOffset.UtcNow.AddHours(1);

    public static async Task<int> RunAsync(TextWriter output)
    {
        var cluster = new PostgresCluster();
        await cluster.InitializeAsync();
        try
        {
            var db = await cluster.CreateAuthentikDatabaseAsync();
            await using var rows = new AuthentikRows(db.ConnectionString);
            await rows.ExecuteAsync($"{AuthentikRows.User(1, "alice", "Alice")}; {AuthentikRows.Provider(7, "Grafana")}");
            using var sink = new TimingSink();
            var settings = db.Follow() with { RetryDelay = TimeSpan.FromMilliseconds(100) };
            output.WriteLine(await FreshnessAsync(settings, rows, sink));
            output.WriteLine(await BacklogAsync("insert", settings, rows, sink, $"""
                DO $$ BEGIN FOR i IN 100001..{100_000 + BacklogCodes} LOOP
                  INSERT INTO authentik_providers_oauth2_authorizationcode (id, expires, expiring, _scope, code, nonce, code_challenge,
                    code_challenge_method, provider_id, user_id, revoked, auth_time, session_id)
                  VALUES (i, '{Expires.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00', true, 'openid profile', 'c' || i, NULL, NULL, NULL, 7, 1, false, now(), 's' || i);
                  COMMIT; END LOOP; END $$
                """));
            output.WriteLine(await BacklogAsync("delete", settings, rows, sink, $"""
                DO $$ BEGIN FOR i IN 100001..{100_000 + BacklogCodes} LOOP
                  DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = i; COMMIT; END LOOP; END $$
                """));
            return 0;
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    /// <summary>1,000 codes, one INSERT transaction each, 100 per second, each timed until applied.</summary>
    private static async Task<string> FreshnessAsync(FollowSettings settings, AuthentikRows rows, TimingSink sink)
    {
        using var stop = new CancellationTokenSource();
        var follower = Start(settings, sink, stop.Token);
        await sink.WaitForAsync(2);
        var sent = new long[FreshnessCodes];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < FreshnessCodes; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / PerSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            sent[i] = Stopwatch.GetTimestamp();
            await rows.ExecuteAsync(AuthentikRows.Code(1 + i, 7, 1, Expires));
        }

        await sink.WaitForAsync(2 + FreshnessCodes);
        await stop.CancelAsync();
        await Stopped(follower);
        var latencies = Enumerable.Range(0, FreshnessCodes)
            .Select(i => Stopwatch.GetElapsedTime(sent[i], sink.AppliedAt[$"authorization_code/{1 + i}"]).TotalMilliseconds).Order().ToList();
        return $"freshness over {FreshnessCodes} codes at {PerSecond}/s: p50 {Percentile(latencies, 0.50):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms";
    }

    /// <summary>With the follower stopped, the script commits a backlog; a restarted follower is timed through it.</summary>
    private static async Task<string> BacklogAsync(string what, FollowSettings settings, AuthentikRows rows, TimingSink sink, string script)
    {
        await rows.ExecuteScriptAsync(script);
        var before = sink.Count;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var follower = Start(settings, sink, stop.Token);
        await sink.WaitForAsync(before + BacklogCodes);
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await Stopped(follower);
        return $"sustained {what}: {BacklogCodes} single-row transactions followed in {elapsed.TotalSeconds:F2} s = {BacklogCodes / elapsed.TotalSeconds:F0} code changes/s (connect and slot start included)";
    }

    private static Task Start(FollowSettings settings, TimingSink sink, CancellationToken stop) =>
        Task.Run(() => new Follower(settings, new ChangeEventFactory("https://auth.example.com/"), sink, _ => { }).RunAsync(stop), CancellationToken.None);

    private static async Task Stopped(Task follower)
    {
        try
        {
            await follower;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Ceiling(p * sorted.Count) - 1];

    /// <summary>The local host's in-process destination (intake, projector, embedded store), noting when each event was applied.</summary>
    private sealed class TimingSink : IChangeEventSink, IDisposable
    {
        private readonly IntakeSink intake;
        private readonly SemaphoreSlim progressed = new(0);

        public TimingSink()
        {
            var store = EmbeddedReadModelStore.Create(TimeProvider.System);
            var projector = new Projector(store.Snapshots, store.Views, TimeProvider.System);
            intake = new IntakeSink(new ChangeEventIntake(
                new ChangeEventParser("https://auth.example.com/"), projector, store.RejectedEvents, store.Snapshots, new ProjectionProgress(), TimeProvider.System, NullLogger<ChangeEventIntake>.Instance));
        }

        public void Dispose() => progressed.Dispose();

        public ConcurrentDictionary<string, long> AppliedAt { get; } = new();

        public int Count => AppliedAt.Count + deletes;

        private int deletes;

        public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
        {
            var report = await intake.PublishAsync(events, cancellationToken);
            var now = Stopwatch.GetTimestamp();
            foreach (var result in report.Results.Where(r => r.Status == PublishStatus.Sent))
            {
                if (result.Event.Type.EndsWith(".deleted", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref deletes);
                }
                else
                {
                    AppliedAt.TryAdd(result.Event.Subject, now);
                }
            }

            progressed.Release();
            return report;
        }

        public async Task WaitForAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            while (Count < count)
            {
                await progressed.WaitAsync(timeout.Token);
            }
        }
    }
}
