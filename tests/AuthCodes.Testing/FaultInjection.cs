using AuthCodes.Projection;
using AuthCodes.ReadModel;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Testing;

/// <summary>
/// The fault model's property, for any store (DESIGN "Fault model"): the histories of <see cref="ProjectionHistories"/>,
/// delivered in their drawn order, while every store call of the projector fails with probability p
/// (0–20 %, drawn per case): half of the faults transient (nothing done), half crashes (the call took
/// effect, the delivery is abandoned). A failed message is redelivered as Service Bus does, later, at a
/// drawn place among the messages still queued. Deliveries are bounded like the subscription's
/// <c>maxDeliveryCount</c> (10): the nth delivery of a message fails each call with probability pⁿ,
/// and the 10th has no faults, so every message is applied within 10 deliveries and each case ends.
/// The model must equal the naive fold of the history. With a fan-out parallelism above 1 the projector's
/// own writes race each other, so which call a fault hits depends on the thread pool: such a case is seeded
/// but may not replay exactly.
/// </summary>
public static class FaultInjection
{
    /// <summary>The projector subscription's <c>maxDeliveryCount</c> (infra): the delivery that runs without faults.</summary>
    public const int MaxDeliveryCount = 10;

    public sealed record Case(ProjectionHistories.Case History, int FaultPercent, int FaultSeed);

    public static readonly Gen<Case> Cases = Gen.Select(ProjectionHistories.Cases, Gen.Int[0, 20], Gen.Int, (history, percent, seed) => new Case(history, percent, seed));

    public static string Print(Case @case) => $"p = {@case.FaultPercent} %, fault seed {@case.FaultSeed}\n" + ProjectionHistories.Print(@case.History);

    /// <summary>Delivers the case's events through faulty ports of a fresh store until each is applied; compares with the naive fold.</summary>
    public static async Task CheckCaseAsync(Case @case, Func<TimeProvider, Task<ReadModelStores>> createStore, int fanOutParallelism = 1)
    {
        var expected = ProjectionHistories.NaiveFold.Render(@case.History.History);
        var time = new FakeTimeProvider(Sample.Now);
        var parser = new ChangeEventParser(Events.Source);
        var store = await createStore(time);
        var faults = new Random(@case.FaultSeed);
        var p = 0.0;
        var ports = FaultyStore.WrapProjectorPorts(store, _ =>
        {
            lock (faults)
            {
                return faults.NextDouble() >= p ? StoreFault.None : faults.Next(2) == 0 ? StoreFault.Transient : StoreFault.Crash;
            }
        });
        var projector = new Projector(ports.Snapshots, ports.Views, time, new ProjectionOptions { FanOutParallelism = fanOutParallelism });
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

        var actual = await ProjectionHistories.RenderAsync(store.Codes);
        if (expected != actual)
        {
            throw new Xunit.Sdk.XunitException($"The projector differs from the naive fold.\nExpected:\n{expected}\nActual:\n{actual}");
        }
    }
}
