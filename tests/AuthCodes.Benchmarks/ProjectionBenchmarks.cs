using System.Globalization;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using BenchmarkDotNet.Attributes;

namespace AuthCodes.Benchmarks;

/// <summary>
/// New <c>authorization_code.saved</c> events (distinct pks, rising versions) for existing users and
/// providers, applied to an embedded store that starts with 10,000 codes. Each invocation applies a
/// batch of <see cref="EventsPerInvocation"/> events prepared in <see cref="IterationSetupAttribute"/>,
/// so figures are per event. The store keeps growing by one batch per iteration (the codes are new).
/// With an iteration setup BenchmarkDotNet runs one invocation per iteration, so the batch is large
/// (an iteration lasts tens to hundreds of milliseconds) and the warm-up long enough for tiered JIT
/// to settle (the parser's first thousands of calls run unoptimized code).
/// </summary>
[MemoryDiagnoser]
[WarmupCount(8)]
public class ProjectionCodeEventBenchmarks
{
    public const int EventsPerInvocation = 10_000;

    private ProjectionData.World world = null!;
    private long nextPk = BenchmarkData.CodeCount + 1;
    private BinaryData[] bodies = [];
    private ChangeEvent[] events = [];

    /// <summary>
    /// Every scope (all codes, each user's, each provider's) listed once in the default ordering before the
    /// run, as a serving local host has: each write then also keeps those sorted lists (the index's cost on write).
    /// </summary>
    [Params(false, true)]
    public bool Listed { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        world = await ProjectionData.CreateWorldAsync(BenchmarkData.CodeCount, pk => ((pk % BenchmarkData.ProviderCount) + 1, (pk % BenchmarkData.UserCount) + 1));
        if (Listed)
        {
            CodeFilter[] scopes =
            [
                CodeFilter.All,
                .. Enumerable.Range(1, BenchmarkData.UserCount).Select(pk => new CodeFilter(User: pk)),
                .. Enumerable.Range(1, BenchmarkData.ProviderCount).Select(pk => new CodeFilter(Provider: pk)),
            ];
            foreach (var scope in scopes)
            {
                await world.Store.Codes.ListCodesAsync(scope, CodeOrdering.Default, 0, 1, CancellationToken.None);
            }
        }
    }

    [IterationSetup(Targets = [nameof(ParseAndApply), nameof(ParseOnly)])]
    public void NextBodies() => bodies = NextBatch();

    [IterationSetup(Target = nameof(ApplyOnly))]
    public void NextEvents() => events = [.. NextBatch().Select(ParseValid)];

    /// <summary>What the intake does per message, minus logging and metrics: <see cref="ChangeEventParser.Parse"/> then <see cref="Projector.ApplyAsync(ParsedEvent, CancellationToken)"/>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvocation, Description = "code saved: parse + apply")]
    public async Task ParseAndApply()
    {
        foreach (var body in bodies)
        {
            ProjectionData.EnsureApplied(await world.Projector.ApplyAsync(world.Parser.Parse(body), CancellationToken.None));
        }
    }

    /// <summary>The projector alone, on events parsed in the iteration setup.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation, Description = "code saved: apply only (pre-parsed)")]
    public async Task ApplyOnly()
    {
        foreach (var e in events)
        {
            ProjectionData.EnsureApplied(await world.Projector.ApplyAsync(e, CancellationToken.None));
        }
    }

    /// <summary>The parser alone: its share of "parse + apply", measured rather than taken as the difference of two noisy means.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation, Description = "code saved: parse only")]
    public void ParseOnly()
    {
        foreach (var body in bodies)
        {
            ParseValid(body);
        }
    }

    private ChangeEvent ParseValid(BinaryData body) =>
        world.Parser.Parse(body).Event ?? throw new InvalidOperationException("A benchmark event was rejected.");

    private BinaryData[] NextBatch()
    {
        var batch = new BinaryData[EventsPerInvocation];
        for (var i = 0; i < batch.Length; i++)
        {
            var pk = nextPk++;
            batch[i] = BinaryData.FromString(ProjectionData.Code(
                pk, world.NextVersion++, (pk % BenchmarkData.ProviderCount) + 1, (pk % BenchmarkData.UserCount) + 1));
        }

        return batch;
    }
}

/// <summary>
/// One <c>user.saved</c> (renamed, newer version each invocation) for a user with 1,000 listed codes,
/// in a store of 10,000 codes: the projector re-derives the user view and all 1,000 code documents.
/// The invocation includes building the event JSON from a template (one string replace) and parsing it.
/// Eight warm-ups: under load tiered JIT is still promoting the derivation path after three.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(8)]
public class ProjectionUserFanOutBenchmarks
{
    public const long HotUser = 1;
    public const int CodesOfHotUser = 1_000;

    private ProjectionData.World world = null!;
    private string template = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Codes 1..1,000 belong to user 1; the other 9,000 are spread over users 2..100.
        world = await ProjectionData.CreateWorldAsync(
            BenchmarkData.CodeCount,
            pk => ((pk % BenchmarkData.ProviderCount) + 1, pk <= CodesOfHotUser ? HotUser : 2 + (pk % (BenchmarkData.UserCount - 1))));
        template = ProjectionData.User(HotUser, FanOut.VersionToken, $"User {HotUser} rev {FanOut.VersionToken}");
        await FanOut.EnsureEveryCodeChangesAsync(
            world, new CodeFilter(User: HotUser), CodesOfHotUser, Next, (code, version) => code.User.Name == $"User {HotUser} rev {version}");
    }

    [Benchmark(Description = "user saved, 1,000 codes re-derived")]
    public async Task UserSaved() => ProjectionData.EnsureApplied(await world.Projector.ApplyAsync(world.Parser.Parse(Next(out _)), CancellationToken.None));

    private BinaryData Next(out ulong version) => FanOut.Next(world, template, out version);
}

/// <summary>
/// One <c>provider.saved</c> (renamed, newer version each invocation) for a provider with 10,000 listed
/// codes, in a store of 12,000 codes: the projector re-derives the provider view (its application) and
/// all 10,000 code documents. Includes building the event JSON from a template and parsing it.
/// </summary>
[MemoryDiagnoser]
[WarmupCount(8)]
public class ProjectionProviderFanOutBenchmarks
{
    public const long HotProvider = 1;
    public const int CodesOfHotProvider = 10_000;

    private ProjectionData.World world = null!;
    private string template = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Codes 1..10,000 belong to provider 1; 2,000 more are spread over providers 2..20.
        world = await ProjectionData.CreateWorldAsync(
            CodesOfHotProvider + 2_000,
            pk => (pk <= CodesOfHotProvider ? HotProvider : 2 + (pk % (BenchmarkData.ProviderCount - 1)), (pk % BenchmarkData.UserCount) + 1));
        template = ProjectionData.Provider(HotProvider, FanOut.VersionToken, $"Provider {HotProvider} rev {FanOut.VersionToken}");
        await FanOut.EnsureEveryCodeChangesAsync(
            world, new CodeFilter(Provider: HotProvider), CodesOfHotProvider, Next, (code, version) => code.Provider.Name == $"Provider {HotProvider} rev {version}");
    }

    [Benchmark(Description = "provider saved, 10,000 codes re-derived")]
    public async Task ProviderSaved() => ProjectionData.EnsureApplied(await world.Projector.ApplyAsync(world.Parser.Parse(Next(out _)), CancellationToken.None));

    private BinaryData Next(out ulong version) => FanOut.Next(world, template, out version);
}

internal static class FanOut
{
    /// <summary>Stands for the version in a template: in <c>id</c>, <c>entityversion</c> and the renamed <c>name</c>.</summary>
    public const ulong VersionToken = 999_999_999_999_999_999;

    private static readonly string Token = VersionToken.ToString(CultureInfo.InvariantCulture);

    public delegate BinaryData NextEvent(out ulong version);

    /// <summary>The template with the next (never used) version: each invocation applies a newer event, which renames the entity.</summary>
    public static BinaryData Next(ProjectionData.World world, string template, out ulong version)
    {
        version = world.NextVersion++;
        return BinaryData.FromString(template.Replace(Token, version.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    /// <summary>
    /// Applies one fan-out event and checks that every one of the <paramref name="expected"/> listed codes
    /// now shows the new version's name (and none did before): a measured invocation re-derives them all.
    /// </summary>
    public static async Task EnsureEveryCodeChangesAsync(
        ProjectionData.World world, CodeFilter filter, int expected, NextEvent next, Func<CodeDocument, ulong, bool> showsVersion)
    {
        var body = next(out var version);
        var before = await world.CodesAsync(filter, expected + 1);
        if (before.Count != expected || before.Any(code => showsVersion(code, version)))
        {
            throw new InvalidOperationException($"Setup: expected {expected} listed codes before the fan-out, found {before.Count}.");
        }

        await world.ApplyAsync(body);
        var after = await world.CodesAsync(filter, expected + 1);
        var changed = after.Count(code => showsVersion(code, version));
        if (after.Count != expected || changed != expected)
        {
            throw new InvalidOperationException($"Setup: the fan-out changed {changed} of {after.Count} code documents, expected {expected}.");
        }

        Console.WriteLine($"// Setup check: one fan-out event re-derived all {changed} code documents ({filter}).");
    }
}
