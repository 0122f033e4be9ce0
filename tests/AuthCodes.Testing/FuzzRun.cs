using System.Globalization;

namespace AuthCodes.Testing;

/// <summary>
/// How many cases a seeded fuzz test runs and from which seed: <c>FUZZ_CASES</c> (a positive
/// integer) and <c>FUZZ_SEED</c> (an integer to replay a run, or <c>random</c>), else the test's defaults.
/// </summary>
public static class FuzzRun
{
    public static int Cases(int defaultCases) =>
        int.TryParse(Environment.GetEnvironmentVariable("FUZZ_CASES"), CultureInfo.InvariantCulture, out var cases) && cases > 0
            ? cases
            : defaultCases;

    public static int Seed(int defaultSeed) => Environment.GetEnvironmentVariable("FUZZ_SEED") switch
    {
        null or "" => defaultSeed,
        "random" => Random.Shared.Next(),
        var text => int.Parse(text, CultureInfo.InvariantCulture),
    };
}
