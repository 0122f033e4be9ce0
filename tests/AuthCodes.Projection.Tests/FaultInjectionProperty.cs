using System.Diagnostics;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Xunit.Abstractions;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// <see cref="FaultInjection"/> on the embedded store: 2000 cases writing one derived item at a time (each
/// replays exactly from its seed), 500 with the default fan-out parallelism (faults hit racing writes).
/// </summary>
public sealed class FaultInjectionProperty(ITestOutputHelper output)
{
    private const int DefaultCases = 2000;
    private const int ParallelCases = 500;
    private const ulong DefaultSeed = 20261201;

    [Fact]
    public async Task Any_failures_and_redeliveries_yield_the_naive_folds_read_model()
    {
        var stopwatch = Stopwatch.StartNew();
        var cases = await PropertyRun.CheckAsync(
            FaultInjection.Cases, c => FaultInjection.CheckCaseAsync(c, time => Task.FromResult(EmbeddedReadModelStore.Create(time))), DefaultSeed, DefaultCases, FaultInjection.Print);
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Failures_among_parallel_fan_out_writes_yield_the_naive_folds_read_model()
    {
        var stopwatch = Stopwatch.StartNew();
        var cases = await PropertyRun.CheckAsync(
            FaultInjection.Cases,
            c => FaultInjection.CheckCaseAsync(c, time => Task.FromResult(EmbeddedReadModelStore.Create(time)), ProjectionOptions.DefaultFanOutParallelism),
            DefaultSeed + 1,
            ParallelCases,
            FaultInjection.Print);
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }
}
