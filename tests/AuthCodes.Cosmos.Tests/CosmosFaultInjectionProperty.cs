using System.Diagnostics;
using AuthCodes.Testing;
using Xunit.Abstractions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// <see cref="FaultInjection"/> on the Cosmos store (fresh containers per case): fewer cases than on the
/// embedded store, with the default fan-out parallelism, so faults hit writes racing through the SDK.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosFaultInjectionProperty(LocalCosmosServer server, ITestOutputHelper output)
{
    private const int DefaultCases = 15;
    private const ulong DefaultSeed = 20261202;

    [Fact]
    public async Task Any_failures_and_redeliveries_yield_the_naive_folds_read_model()
    {
        var stopwatch = Stopwatch.StartNew();
        var cases = await PropertyRun.CheckAsync(
            FaultInjection.Cases, c => FaultInjection.CheckCaseAsync(c, time => CosmosStores.CreateAsync(server, "faults", time), Projection.ProjectionOptions.DefaultFanOutParallelism), DefaultSeed, DefaultCases, FaultInjection.Print);
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }
}
