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
    private static readonly CancellationToken None = CancellationToken.None;

    public static async Task<int> RunAsync(TextWriter output)
    {
        await using var server = new ServerScope();
        await server.Server.InitializeAsync();
        var cosmosOptions = server.Server.Options("benchmarks", Guid.NewGuid().ToString("N"));
        var containers = new CosmosContainers(server.Server.Client, cosmosOptions, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(None);
        var cosmos = CosmosReadModelStore.Create(containers, cosmosOptions, TimeProvider.System, NullLogger.Instance);
        var uncachedOptions = server.Server.Options("benchmarks", "unused");
        uncachedOptions.CodesContainer = cosmosOptions.CodesContainer;
        uncachedOptions.EntitiesContainer = cosmosOptions.EntitiesContainer;
        uncachedOptions.PageBoundaryCacheLifetime = TimeSpan.Zero;
        var cosmosUncached = CosmosReadModelStore.Create(containers, uncachedOptions, TimeProvider.System, NullLogger.Instance);
        var embedded = EmbeddedReadModelStore.Create();

        var rows = new List<string>();
        foreach (var (name, store) in new (string, ReadModelStores)[] { ("embedded", embedded), ("cosmos", cosmos) })
        {
            var seeding = Stopwatch.StartNew();
            await SeedAsync(store);
            output.WriteLine($"{name}: seeded {Codes} codes through the projector in {seeding.Elapsed.TotalSeconds:F1} s");
        }

        var results = new Dictionary<string, Dictionary<string, string>>();
        void Record(string work, string store, string figure)
        {
            if (!results.TryGetValue(work, out var byStore))
            {
                results[work] = byStore = [];
            }

            byStore[store] = figure;
            output.WriteLine($"{work} | {store} | {figure}");
        }

        foreach (var (name, store) in new (string, ReadModelStores)[] { ("embedded", embedded), ("cosmos", cosmos) })
        {
            var queries = new AuthorizationCodeQueries(store.Codes, TimeProvider.System);
            Record("list page 1 (superuser, default order, page_size=100)", name, await MedianAsync(() => ListAsync(queries, "page_size=100")));
            Record("deep page 90 (page_size=100), boundary remembered", name, await MedianAsync(() => ListAsync(queries, "page_size=100&page=90")));
            Record("user-filtered list (user=42, 100 codes)", name, await MedianAsync(() => ListAsync(queries, "page_size=100&user=42")));
            var projector = new Projector(store.Snapshots, store.Views, TimeProvider.System);
            var version = V + 10;
            Record("code upsert (one code event through the projector)", name, await MedianAsync(async () =>
            {
                version++;
                await projector.ApplyAsync(Code(4242, 1, 42, version), None);
            }));
        }

        var uncachedQueries = new AuthorizationCodeQueries(cosmosUncached.Codes, TimeProvider.System);
        Record("deep page 90 (page_size=100), boundary remembered", "cosmos, no cache (skip query each time)", await MedianAsync(() => ListAsync(uncachedQueries, "page_size=100&page=90")));

        foreach (var (name, store) in new (string, ReadModelStores)[] { ("embedded", embedded), ("cosmos", cosmos) })
        {
            var projector = new Projector(store.Snapshots, store.Views, TimeProvider.System);
            var stopwatch = Stopwatch.StartNew();
            await projector.ApplyAsync(Provider(1, "Provider One Renamed", V + 100), None);
            Record($"provider fan-out over {Codes} codes (one provider event)", name, $"{stopwatch.Elapsed.TotalMilliseconds:F0} ms (once)");
        }

        output.WriteLine();
        output.WriteLine("| work | embedded | cosmos (local server, plain HTTP) |");
        output.WriteLine("|---|---:|---:|");
        foreach (var (work, byStore) in results)
        {
            output.WriteLine($"| {work} | {byStore.GetValueOrDefault("embedded", "")} | {string.Join("; ", byStore.Where(s => s.Key != "embedded").Select(s => s.Key == "cosmos" ? s.Value : $"{s.Value} ({s.Key})"))} |");
        }

        return 0;
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

    private static async Task<string> MedianAsync(Func<Task> work)
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
        return string.Create(CultureInfo.InvariantCulture, $"{times[Runs / 2]:F3} ms (min {times[0]:F3}, max {times[^1]:F3})");
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

    private sealed class ServerScope : IAsyncDisposable
    {
        public LocalCosmosServer Server { get; } = new();

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
