using System.Diagnostics;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// The fault model's property (DESIGN "Fault model"): the histories of <see cref="OrderIndependenceProperty"/>,
/// delivered in their drawn order, while every store call of the projector fails with probability p
/// (0–20 %, drawn per case): half of the faults transient (nothing done), half crashes (the call took
/// effect, the delivery is abandoned). A failed message is redelivered as Service Bus does, later, at a
/// drawn place among the messages still queued. Deliveries are bounded like the subscription's
/// <c>maxDeliveryCount</c> (10): the nth delivery of a message fails each call with probability pⁿ,
/// and the 10th has no faults, so every message is applied within 10 deliveries and each case ends.
/// The model must equal the naive fold of the history.
/// </summary>
public sealed class FaultInjectionProperty(ITestOutputHelper output)
{
    public const int MaxDeliveryCount = 10;
    private const int DefaultCases = 2000;
    private const ulong DefaultSeed = 20261201;

    internal sealed record Case(OrderIndependenceProperty.Case History, int FaultPercent, int FaultSeed);

    internal static readonly Gen<Case> Cases = Gen.Select(OrderIndependenceProperty.Cases, Gen.Int[0, 20], Gen.Int, (history, percent, seed) => new Case(history, percent, seed));

    [Fact]
    public async Task Any_failures_and_redeliveries_yield_the_naive_folds_read_model()
    {
        var stopwatch = Stopwatch.StartNew();
        var cases = await PropertyRun.CheckAsync(Cases, c => CheckCaseAsync(c, EmbeddedReadModelStore.Create), DefaultSeed, DefaultCases, Print);
        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    internal static string Print(Case @case) => $"p = {@case.FaultPercent} %, fault seed {@case.FaultSeed}\n" + OrderIndependenceProperty.Print(@case.History);

    /// <summary>Delivers the case's events through faulty ports of a fresh store until each is applied; compares with the naive fold.</summary>
    internal static async Task CheckCaseAsync(Case @case, Func<TimeProvider, ReadModelStores> createStore)
    {
        var expected = OrderIndependenceProperty.NaiveFold.Render(@case.History.History);
        var time = new FakeTimeProvider(Sample.Now);
        var parser = new ChangeEventParser(Events.Source);
        var store = createStore(time);
        var faults = new Random(@case.FaultSeed);
        var p = 0.0;
        var ports = FaultyStore.WrapProjectorPorts(store, _ => faults.NextDouble() >= p ? StoreFault.None : faults.Next(2) == 0 ? StoreFault.Transient : StoreFault.Crash);
        using var projector = new Projector(ports.Snapshots, ports.Views, time);
        var queue = @case.History.Delivered.Select(e => (e.Json, Delivery: 1)).ToList();
        while (queue.Count > 0)
        {
            var (json, delivery) = queue[0];
            queue.RemoveAt(0);
            p = delivery < MaxDeliveryCount ? Math.Pow(@case.FaultPercent / 100.0, delivery) : 0;
            try
            {
                await projector.ApplyAsync(parser.Parse(BinaryData.FromString(json)), CancellationToken.None);
            }
            catch (Exception e) when (e is StoreUnavailableException or CrashedCallException)
            {
                queue.Insert(faults.Next(queue.Count + 1), (json, delivery + 1));
            }
        }

        var actual = await OrderIndependenceProperty.RenderAsync(store.Codes);
        if (expected != actual)
        {
            throw new Xunit.Sdk.XunitException($"The projector differs from the naive fold.\nExpected:\n{expected}\nActual:\n{actual}");
        }
    }
}
