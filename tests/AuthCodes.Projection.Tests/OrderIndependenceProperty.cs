using System.Diagnostics;
using AuthCodes.Testing;
using Xunit.Abstractions;
using static AuthCodes.Testing.ProjectionHistories;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// The acceptance property: for a generated history over all five entities (creates, updates,
/// deletes, re-creates, equal-version ties), any permutation with duplicates, fed through the
/// parser and the projector, yields exactly the read model of the naive fold of
/// <see cref="ProjectionHistories"/> (latest event per entity, every document derived afresh, fixed
/// time), compared as the API writes it.
/// 5000 cases (about 20 s here) through <see cref="PropertyRun"/>: a failure is shrunk to a short
/// history in a near-original order and printed with the seed that replays it.
/// </summary>
public sealed class OrderIndependenceProperty(ITestOutputHelper output)
{
    private const int DefaultCases = 5000;
    private const ulong DefaultSeed = 20240913;

    [Fact]
    public async Task Any_permutation_with_duplicates_yields_the_naive_folds_read_model()
    {
        var stopwatch = Stopwatch.StartNew();
        var cases = await PropertyRun.CheckAsync(Cases, CheckCaseAsync, DefaultSeed, DefaultCases, Print);
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task CheckCaseAsync(Case @case)
    {
        var expected = NaiveFold.Render(@case.History);
        var harness = new Harness();
        foreach (var e in @case.Delivered)
        {
            await harness.SendAsync(e.Json);
        }

        var actual = await RenderAsync(harness.Store.Codes);
        if (expected != actual)
        {
            throw new Xunit.Sdk.XunitException($"The projector differs from the naive fold.\nExpected:\n{expected}\nActual:\n{actual}");
        }
    }
}
