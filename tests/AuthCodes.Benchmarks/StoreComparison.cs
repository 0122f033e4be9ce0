using System.Diagnostics;
using System.Globalization;
using AuthCodes.Cosmos;
using AuthCodes.Testing.Cosmos;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthCodes.Benchmarks;

/// <summary>
/// A load script (not BenchmarkDotNet: one provider fan-out over 10,000 codes takes tens of seconds
/// against a server) that does the same work on the embedded store and on the Cosmos store over the
/// local Cosmos protocol server (started as the Cosmos tests start it; plain HTTP on loopback), or
/// over <c>COSMOS_ENDPOINT</c> when set. Reports medians of repeated runs after warm-up.
/// <c>dotnet run -c Release --project tests/AuthCodes.Benchmarks -- store-comparison</c>
/// </summary>
internal static class StoreComparison
{
    public const string Name = "store-comparison";
    private const int Codes = 10_000;
    private const int Users = 100;
    private const int Runs = 15;
    private const ulong V = 1_726_236_342_243_000;
    private const int CountedEvents = 20;
    private static readonly int[] ConcurrentCalls = [1, 4, 8, 16, 32];
    private const long NewCodePk = 100_000;
    private static readonly CancellationToken None = CancellationToken.None;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        if (!TryParseLatency(args, out var latency))
        {
            output.WriteLine("usage: store-comparison [--latency 5ms]");
            return 2;
        }

        await using var server = new ServerScope();
        await server.Server.InitializeAsync();
        var cosmosOptions = server.Server.Options("benchmarks", Guid.NewGuid().ToString("N"));
        var containers = new CosmosContainers(server.Server.Client, cosmosOptions, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(None);

        // Seeding goes through a client without added latency; the work below through one that delays and counts every request.
        var requests = new LatencyHandler(latency);
        using var measuredClient = CosmosServiceCollectionExtensions.CreateClient(cosmosOptions, options =>
        {
            server.Server.ConfigureClient(options);
            options.CustomHandlers.Add(requests);
        });
        var measuredContainers = new CosmosContainers(measuredClient, cosmosOptions, NullLogger<CosmosContainers>.Instance);
        await measuredContainers.EnsureReadyAsync(None);
        var cosmos = CosmosReadModelStore.Create(measuredContainers, cosmosOptions, TimeProvider.System, NullLogger.Instance);
        var uncachedOptions = server.Server.Options("benchmarks", "unused");
        uncachedOptions.CodesContainer = cosmosOptions.CodesContainer;
        uncachedOptions.EntitiesContainer = cosmosOptions.EntitiesContainer;
        uncachedOptions.PageBoundaryCacheLifetime = TimeSpan.Zero;
        var cosmosUncached = CosmosReadModelStore.Create(measuredContainers, uncachedOptions, TimeProvider.System, NullLogger.Instance);
        var embedded = EmbeddedReadModelStore.Create();
        var stores = new (string Name, ReadModelStores Store)[] { ("embedded", embedded), ("cosmos", cosmos) };

        output.WriteLine($"added latency per Cosmos request: {latency.TotalMilliseconds} ms; load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, store) in new (string, ReadModelStores)[] { ("embedded", embedded), ("cosmos", CosmosReadModelStore.Create(containers, cosmosOptions, TimeProvider.System, NullLogger.Instance)) })
        {
            var seeding = Stopwatch.StartNew();
            await SeedAsync(store);
            output.WriteLine($"{name}: seeded {Codes} codes through the projector in {seeding.Elapsed.TotalSeconds:F1} s");
        }

        var table = new Table(output, latency > TimeSpan.Zero ? $"-{latency.TotalMilliseconds}ms" : "");
        foreach (var (name, store) in stores)
        {
            var queries = new AuthorizationCodeQueries(store.Codes, TimeProvider.System);
            table.Record("list-page-1", "list page 1 (superuser, default order, page_size=100)", name, await MedianAsync(() => ListAsync(queries, "page_size=100")));
            table.Record("list-page-90", "deep page 90 (page_size=100), boundary remembered", name, await MedianAsync(() => ListAsync(queries, "page_size=100&page=90")));
            table.Record("list-user-42", "user-filtered list (user=42, 100 codes)", name, await MedianAsync(() => ListAsync(queries, "page_size=100&user=42")));
        }

        var uncachedQueries = new AuthorizationCodeQueries(cosmosUncached.Codes, TimeProvider.System);
        table.Record("list-page-90-uncached", "deep page 90 (page_size=100), boundary remembered", "cosmos, no cache (skip query each time)", await MedianAsync(() => ListAsync(uncachedQueries, "page_size=100&page=90")));

        // The fan-outs first: every code the code events below add makes the local server slower per write.
        // With added latency, also the embedded store behind the same delay per call: a server that costs only latency.
        var fanOutStores = latency > TimeSpan.Zero ? [.. stores, ("delayed-embedded", DelayingStore.WrapProjectorPorts(embedded, latency))] : stores;
        var version = V + 100;
        foreach (var (name, store) in fanOutStores)
        {
            // One write at a time is 10,000 round trips in a row: only measured without added latency.
            foreach (var parallelism in latency > TimeSpan.Zero ? [8, 16, 32, 64] : new[] { 1, 8, 16, 32, 64 })
            {
                var projector = new Projector(store.Snapshots, store.Views, TimeProvider.System, new ProjectionOptions { FanOutParallelism = parallelism });
                var serverCpu = ServerCpuTime(name == "cosmos" ? server.Server.ProcessId : null);
                var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var stopwatch = Stopwatch.StartNew();
                await projector.ApplyAsync(Provider(1, $"Provider One Renamed {version}", ++version), None);
                table.Record(
                    $"provider-fan-out-parallelism-{parallelism}",
                    $"provider fan-out over {Codes} codes (one provider event, fan-out parallelism {parallelism}, once)",
                    name,
                    stopwatch.Elapsed.TotalMilliseconds,
                    "ms");
                if (name == "cosmos" && ServerCpuTime(server.Server.ProcessId) - serverCpu is { } busy)
                {
                    // Both processes share this machine's cores: the fan-out cannot take less than their CPU time over the core count.
                    table.Record($"provider-fan-out-parallelism-{parallelism}-server-cpu", $"local server CPU time during that fan-out (parallelism {parallelism})", name, busy.TotalMilliseconds, "ms");
                    table.Record(
                        $"provider-fan-out-parallelism-{parallelism}-client-cpu",
                        $"this process's CPU time during that fan-out (parallelism {parallelism})",
                        name,
                        (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalMilliseconds,
                        "ms");
                }
            }
        }

        var codePks = NewCodePk;
        foreach (var (name, store) in stores)
        {
            var projector = new Projector(store.Snapshots, store.Views, TimeProvider.System);
            table.Record("code-event", "code event (one new code through the projector)", name, await MedianAsync(() =>
                projector.ApplyAsync(Code(Interlocked.Increment(ref codePks), 1 + (codePks % 20), 42, V), None)));

            var storeCalls = 0;
            var counted = FaultyStore.WrapProjectorPorts(store, _ =>
            {
                Interlocked.Increment(ref storeCalls);
                return StoreFault.None;
            });
            var countedProjector = new Projector(counted.Snapshots, counted.Views, TimeProvider.System);
            var requestsBefore = requests.Requests;
            for (var i = 0; i < CountedEvents; i++)
            {
                await countedProjector.ApplyAsync(Code(Interlocked.Increment(ref codePks), 1 + (codePks % 20), 42, V), None);
            }

            table.Record("code-event-store-calls", "store calls per code event (counting decorator)", name, (double)storeCalls / CountedEvents, "calls");
            if (name == "cosmos")
            {
                table.Record("code-event-round-trips", "Cosmos requests per code event (counting request handler)", name, (double)(requests.Requests - requestsBefore) / CountedEvents, "requests");
            }

            // Each run lasts about the same number of sequential event latencies, whatever its concurrency.
            var eventsPerCall = latency > TimeSpan.Zero ? 40 : 100;
            var rates = new Dictionary<int, double>();
            foreach (var calls in ConcurrentCalls)
            {
                rates[calls] = await RateAsync(projector, eventsPerCall * calls, calls, () => Interlocked.Increment(ref codePks));
                table.Record($"code-events-{calls}-calls", $"code events, {calls} concurrent calls on one projector ({eventsPerCall * calls} events)", name, rates[calls], "events/s");
            }

            table.Record("code-events-16-calls-speed-up", "16 concurrent calls vs one at a time", name, rates[16] / rates[1], "x");
        }

        output.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
        table.Print();
        return 0;
    }

    /// <summary>
    /// CPU time the local server's (single-threaded) process has used, from <c>/proc</c>; null without one. A fan-out
    /// cannot finish faster than the server's own work for it, whatever the parallelism.
    /// </summary>
    private static TimeSpan? ServerCpuTime(int? processId)
    {
        if (processId is not { } pid || !File.Exists($"/proc/{pid}/stat"))
        {
            return null;
        }

        // Fields after the parenthesised command name: state is field 3, utime and stime are fields 14 and 15 (clock ticks, 100 per second).
        var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary><c>--latency 5ms</c> (or none: no added latency).</summary>
    private static bool TryParseLatency(IReadOnlyList<string> args, out TimeSpan latency)
    {
        latency = TimeSpan.Zero;
        if (args.Count == 0)
        {
            return true;
        }

        if (args is not ["--latency", var value] || !value.EndsWith("ms", StringComparison.Ordinal)
            || !double.TryParse(value[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds < 0)
        {
            return false;
        }

        latency = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>Applies <paramref name="events"/> new code events with <paramref name="concurrentCalls"/> calls in flight on one projector; events per second.</summary>
    private static async Task<double> RateAsync(Projector projector, int events, int concurrentCalls, Func<long> nextPk)
    {
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = concurrentCalls }, async (_, ct) =>
        {
            var pk = nextPk();
            if (await projector.ApplyAsync(Code(pk, 1 + (pk % 20), 1 + (pk % Users), V), ct) is not { Kind: OutcomeKind.Applied })
            {
                throw new InvalidOperationException($"Code {pk} was not applied.");
            }
        });
        return events / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>20 providers, 100 users, 10,000 codes all of provider 1 (for the fan-out), through the projector as events.</summary>
    private static async Task SeedAsync(ReadModelStores store)
    {
        var setup = new Projector(store.Snapshots, store.Views, TimeProvider.System);
        foreach (var pk in Enumerable.Range(1, 20))
        {
            await setup.ApplyAsync(Provider(pk, $"Provider {pk}", V), None);
        }

        foreach (var pk in Enumerable.Range(1, Users))
        {
            await setup.ApplyAsync(User(pk), None);
        }

        var projectors = Enumerable.Range(0, 4).Select(_ => new Projector(store.Snapshots, store.Views, TimeProvider.System)).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(1, Codes), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pk, ct) =>
            await projectors[pk % 4].ApplyAsync(Code(pk, 1, 1 + (pk % Users), V), ct));
    }

    private static async Task ListAsync(AuthorizationCodeQueries queries, string query)
    {
        var values = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var parsed = ListQuery.Parse(values.GetValueOrDefault, maxPageSize: 1000);
        if (await queries.ListAsync(BenchmarkData.Superuser, parsed, None) is not ListOutcome { Codes.Count: > 0 })
        {
            throw new InvalidOperationException($"'{query}' listed nothing.");
        }
    }

    private static async Task<double> MedianAsync(Func<Task> work)
    {
        for (var i = 0; i < 3; i++)
        {
            await work();
        }

        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await work();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[Runs / 2];
    }

    private static ChangeEvent Event(EntityState state, ulong version) =>
        new(Guid.NewGuid().ToString("N"), "https://auth.example.com/", "saved", state.Key.ToString(), state.Key, false, version, null, state);

    private static ChangeEvent Provider(long pk, string name, ulong version) => Event(
        new ProviderState(pk, name, null, Guid.Parse("3fa85f64-5717-4562-b3fc-2c963f66afa6"), [], "confidential", $"client-{pk}", $"secret-{pk}", "minutes=1", "minutes=5", "days=30", true, null, "https://app.example.com/cb", "hashed_user_id", "per_provider", []),
        version);

    private static ChangeEvent User(long pk) => Event(
        new UserState(pk, $"user{pk}", $"User {pk}", true, Sample.Now, [], $"user{pk}@example.com", "", Sample.Json("""{"settings":{"locale":"en"}}"""), $"uid-{pk:D4}", "users", "internal", new Guid($"00000000-0000-4000-8000-{pk:D12}")),
        V);

    private static ChangeEvent Code(long pk, long provider, long user, ulong version) => Event(
        new CodeState(pk, provider, user, DateTimeOffset.UtcNow.AddMinutes(30).AddSeconds(pk % 600), pk % 10 != 0, ["openid", "profile", "email"]),
        version);

    /// <summary>Rows by work and store, each also printed as it comes and as one <c>figure: name value unit</c> line.</summary>
    private sealed class Table(TextWriter output, string figureSuffix)
    {
        private readonly Dictionary<string, Dictionary<string, string>> rows = [];

        public void Record(string figure, string work, string store, double milliseconds) => Record(figure, work, store, milliseconds, "ms");

        public void Record(string figure, string work, string store, double value, string unit)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"{value:0.###} {unit}");
            if (!rows.TryGetValue(work, out var byStore))
            {
                rows[work] = byStore = [];
            }

            byStore[store] = text;
            output.WriteLine($"{work} | {store} | {text}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"figure: {store.Split(',')[0]}-{figure}{figureSuffix} {value:0.###} {unit}"));
        }

        public void Print()
        {
            output.WriteLine();
            output.WriteLine("| work | embedded | cosmos (local server, plain HTTP) |");
            output.WriteLine("|---|---:|---:|");
            foreach (var (work, byStore) in rows)
            {
                output.WriteLine($"| {work} | {byStore.GetValueOrDefault("embedded", "")} | {string.Join("; ", byStore.Where(s => s.Key != "embedded").Select(s => s.Key == "cosmos" ? s.Value : $"{s.Value} ({s.Key})"))} |");
            }
        }
    }

    private sealed class ServerScope : IAsyncDisposable
    {
        public LocalCosmosServer Server { get; } = new();

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
