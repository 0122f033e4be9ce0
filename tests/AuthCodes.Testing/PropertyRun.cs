using CsCheck;
using Xunit.Sdk;

namespace AuthCodes.Testing;

/// <summary>
/// How every property and fuzz test runs (docs/testing.md): cases drawn one after another from a
/// CsCheck generator, starting at the test's fixed seed so that every run tries the same cases. The
/// first failing case is handed to CsCheck's <c>Sample</c>, which shrinks it (tries further cases
/// smaller than the smallest failure so far) and reports the smallest failure with the seed that
/// replays it. Two environment variables, CsCheck's own: <c>CsCheck_Seed</c> starts the run at that
/// seed (its case first), <c>CsCheck_Iter</c> sets the number of cases; <c>CsCheck_Seed=… CsCheck_Iter=1</c>
/// replays one reported case.
/// </summary>
public static class PropertyRun
{
    /// <summary>Shrinking budget: cases generated while looking for a smaller failure (only the smaller ones run the property).</summary>
    private const long ShrinkCandidates = 20_000;

    /// <summary>Runs <paramref name="property"/> on the cases of <paramref name="gen"/>; returns the number of cases run.</summary>
    public static async Task<long> CheckAsync<T>(Gen<T> gen, Func<T, Task> property, ulong defaultSeed, long defaultCases, Func<T, string> print)
    {
        var pcg = Environment.GetEnvironmentVariable("CsCheck_Seed") is { Length: > 0 } seed ? PCG.Parse(seed) : new PCG(1, defaultSeed);
        var cases = Environment.GetEnvironmentVariable("CsCheck_Iter") is { Length: > 0 } ? Check.Iter : defaultCases;
        for (long i = 0; i < cases; i++)
        {
            var state = pcg.State;
            var value = gen.Generate(pcg, null, out _);
            try
            {
                await property(value);
            }
            catch (Exception failure)
            {
                var failingSeed = pcg.ToString(state);
                await gen.SampleAsync(property, seed: failingSeed, iter: ShrinkCandidates, threads: 1, print: print);
                throw new XunitException($"Case {i} failed but did not fail again when replayed alone (CsCheck_Seed={failingSeed}):\n{print(value)}", failure);
            }
        }

        return cases;
    }
}
