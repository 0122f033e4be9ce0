using System.Diagnostics;
using System.Text.Json;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>The projector's operations through the Cosmos store: fan-out over thousands of codes, and concurrent instances.</summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosProjectionTests(LocalCosmosServer server, ITestOutputHelper output)
{
    private const ulong V = 1_726_236_342_243_000;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    private readonly FakeTimeProvider clock = new(Sample.Now);
    private static long ids;

    [Fact]
    public async Task A_provider_change_fans_out_to_every_one_of_its_2000_codes()
    {
        const int Codes = 2000;
        var store = await CosmosStores.CreateAsync(server, "projection", clock);
        using var seeding = new SemaphoreSlim(1);
        var projectors = Enumerable.Range(0, 4).Select(_ => new Projector(store.Snapshots, store.Views, clock)).ToArray();
        await Apply(projectors[0], Provider(1, "Grafana", V));
        await Apply(projectors[0], Group(Admins, "admins", superuser: true, V));
        foreach (var pk in Enumerable.Range(1, 10))
        {
            await Apply(projectors[0], User(pk, V, pk == 1 ? [Admins] : []));
        }

        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(1, Codes), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pk, _) =>
            await Apply(projectors[pk % 4], Code(pk, provider: 1, user: 1 + (pk % 10), V)));
        output.WriteLine($"{Codes} code events: {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(Codes, await store.Codes.CountCodesAsync(new CodeFilter(Provider: 1), None));

        stopwatch.Restart();
        await Apply(projectors[0], Provider(1, "Grafana Renamed", V + 1));
        output.WriteLine($"provider rename fanned out to {Codes} codes: {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(Codes, await store.Codes.CountCodesAsync(new CodeFilter(SearchTerms: ["renamed"]), None));
        Assert.Equal("Grafana Renamed", (await store.Codes.GetCodeAsync(1234, None))?.Provider.Name);

        stopwatch.Restart();
        await Apply(projectors[0], Group(Admins, "admins", superuser: false, V + 1));
        output.WriteLine($"group change fanned out to {Codes / 10} codes of its member: {stopwatch.ElapsedMilliseconds} ms");
        Assert.False((await store.Codes.GetCodeAsync(10, None))?.User.IsSuperuser);
        Assert.Equal(1, (await store.Codes.GetCodeAsync(10, None))?.User.Pk);

        await Apply(projectors[0], Deleted(EntityKey.Provider(1), V + 2));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Equal(Codes, (await store.Snapshots.GetLiveCodesOfProviderAsync(1, None)).Count); // snapshots stay: a re-created provider re-lists them
    }

    /// <summary>
    /// Two projector instances (each with its own store object on the same containers, as two hosts
    /// would be) race on the same entities' snapshots, with duplicates delivered to both: the
    /// snapshots and the listed documents end as one projector applying every event once leaves them.
    /// </summary>
    [Fact]
    public async Task Two_projector_instances_racing_on_the_same_entities_end_in_the_state_of_one()
    {
        var random = new Random(20241128);
        var events = new List<ChangeEvent>();
        events.Add(Provider(1, "One", V));
        events.Add(Provider(2, "Two", V));
        foreach (var pk in Enumerable.Range(1, 3))
        {
            events.Add(User(pk, V, []));
        }

        foreach (var pk in Enumerable.Range(1, 40))
        {
            for (var version = 1; version <= 4; version++)
            {
                events.Add(random.Next(6) == 0
                    ? Deleted(EntityKey.Code(pk), V + (ulong)version)
                    : Code(pk, provider: random.Next(1, 3), user: random.Next(1, 4), V + (ulong)version));
            }
        }

        var reference = EmbeddedReadModelStore.Create(clock);
        var one = new Projector(reference.Snapshots, reference.Views, clock);
        foreach (var e in events)
        {
            await one.ApplyAsync(e, None);
        }

        var options = await CosmosStores.CreateAsync(server, "projection", clock);
        var first = options;
        var second = await CosmosStores.SecondStoreOnSameContainersAsync(server, first, clock);
        var (providersAndUsers, codes) = (events.Take(5).ToList(), events.Skip(5).OrderBy(_ => random.Next()).ToList());
        var a = new Projector(first.Snapshots, first.Views, clock);
        var b = new Projector(second.Snapshots, second.Views, clock);
        foreach (var e in providersAndUsers)
        {
            await a.ApplyAsync(e, None);
        }

        var toA = codes.Where((_, i) => i % 2 == 0 || random.Next(4) == 0).ToList();
        var toB = codes.Where((_, i) => i % 2 == 1 || random.Next(4) == 0).OrderBy(_ => random.Next()).ToList();
        await Task.WhenAll(Task.Run(() => ApplyAll(a, toA)), Task.Run(() => ApplyAll(b, toB)));

        Assert.Equal(await RenderAsync(reference), await RenderAsync(first));
    }

    /// <summary>
    /// The deterministic form of one race between instances, through the SDK: a provider rename fanning
    /// out to a code pauses before writing it while the other instance applies the code's delete.
    /// </summary>
    [Fact]
    public async Task A_code_deleted_while_another_instance_fans_a_provider_rename_out_to_it_stays_unlisted()
    {
        var first = await CosmosStores.CreateAsync(server, "projection", clock);
        var second = await CosmosStores.SecondStoreOnSameContainersAsync(server, first, clock);
        var other = new Projector(second.Snapshots, second.Views, clock);
        await ApplyAll(other, [Provider(1, "One", V), User(1, V, []), Code(1, provider: 1, user: 1, V)]);

        var interleaved = InterleavingStore.WrapProjectorPorts(first, nameof(IViewStore.SaveCodeAsync), 1, () => Apply(other, Deleted(EntityKey.Code(1), V + 1)));
        var one = new Projector(interleaved.Snapshots, interleaved.Views, clock);
        await Apply(one, Provider(1, "Renamed", V + 1));

        Assert.Null(await first.Codes.GetCodeAsync(1, None));
        Assert.Equal(0, await first.Codes.CountCodesAsync(CodeFilter.All, None));
    }

    private static async Task ApplyAll(Projector projector, IEnumerable<ChangeEvent> events)
    {
        foreach (var e in events)
        {
            await projector.ApplyAsync(e, None);
        }
    }

    /// <summary>The read model as data: every listed code whole, and every code snapshot's stamp.</summary>
    private static async Task<string> RenderAsync(ReadModelStores store)
    {
        var listed = await store.Codes.ListCodesAsync(CodeFilter.All, ListQuery.ParseOrdering("pk"), 0, 10_000, None);
        var snapshots = await store.Snapshots.GetSnapshotsAsync([.. Enumerable.Range(1, 40).Select(pk => EntityKey.Code(pk))], None);
        return JsonSerializer.Serialize(new
        {
            listed,
            snapshots = snapshots.OrderBy(s => s.Key.IntegerPk).Select(s => new { Pk = s.Key.PkText, s.Stamp, s.State }),
        });
    }

    private static async Task Apply(Projector projector, ChangeEvent e) =>
        Assert.Equal(OutcomeKind.Applied, (await projector.ApplyAsync(e, None)).Kind);

    private static ChangeEvent Event(EntityState state, ulong version) =>
        new($"evt-{Interlocked.Increment(ref ids):D8}", "https://auth.example.com/", "saved", state.Key.ToString(), state.Key, false, version, Sample.Now, state);

    private static ChangeEvent Deleted(EntityKey key, ulong version) =>
        new($"evt-{Interlocked.Increment(ref ids):D8}", "https://auth.example.com/", "deleted", key.ToString(), key, true, version, Sample.Now, null);

    private static ChangeEvent Provider(long pk, string name, ulong version) => Event(
        new ProviderState(pk, name, null, Guid.Parse("3fa85f64-5717-4562-b3fc-2c963f66afa6"), [], "confidential", $"client-{pk}", "s3cr3t", "minutes=1", "minutes=5", "days=30", true, null, "https://app.example.com/cb", "hashed_user_id", "per_provider", []),
        version);

    private static ChangeEvent User(long pk, ulong version, IReadOnlyList<Guid> groups) => Event(
        new UserState(pk, $"user{pk}", $"User {pk}", true, Sample.Now.AddDays(-1), groups, $"user{pk}@example.com", "", Sample.Json("{\"team\":\"blue\"}"), $"uid-{pk:D4}", "users", "internal", new Guid($"00000000-0000-4000-8000-{pk:D12}")),
        version);

    private static ChangeEvent Group(Guid pk, string name, bool superuser, ulong version) =>
        Event(new GroupState(pk, name, superuser, null, Sample.Json("{}")), version);

    private static ChangeEvent Code(long pk, long provider, long user, ulong version) =>
        Event(new CodeState(pk, provider, user, Sample.Now.AddMinutes(10), true, ["openid", "profile"]), version);
}
