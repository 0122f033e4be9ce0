using System.Reflection;
using AuthCodes.ReadModel;

namespace AuthCodes.Benchmarks;

/// <summary>
/// TEST ONLY: a store port whose every call first waits a fixed round-trip time, then runs on the embedded
/// store. It models a server that costs only latency (as Cosmos DB does for one event's requests, spread
/// over partitions), where the local Cosmos server's single thread would bound a fan-out by its own CPU.
/// </summary>
public class DelayingStore : DispatchProxy // DispatchProxy cannot derive a sealed type; public, so the analyzer does not ask for it
{
    private static readonly MethodInfo DelayResult =
        typeof(DelayingStore).GetMethod(nameof(DelayResultAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private object inner = null!;
    private TimeSpan latency;

    /// <summary>The projector's ports of <paramref name="stores"/>, each call delayed by <paramref name="latency"/>.</summary>
    internal static ReadModelStores WrapProjectorPorts(ReadModelStores stores, TimeSpan latency) => stores with
    {
        Snapshots = Wrap(stores.Snapshots, latency),
        Views = Wrap(stores.Views, latency),
    };

    private static TPort Wrap<TPort>(TPort inner, TimeSpan latency)
        where TPort : class
    {
        var proxy = Create<TPort, DelayingStore>();
        var delaying = (DelayingStore)(object)proxy;
        delaying.inner = inner;
        delaying.latency = latency;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        Func<object> call = () => method.Invoke(inner, args)!;
        return method.ReturnType.IsGenericType
            ? DelayResult.MakeGenericMethod(method.ReturnType.GetGenericArguments()[0]).Invoke(null, [latency, call])
            : DelayAsync(latency, call);
    }

    private static async Task DelayAsync(TimeSpan latency, Func<object> call)
    {
        await Task.Delay(latency);
        await (Task)call();
    }

    private static async Task<T> DelayResultAsync<T>(TimeSpan latency, Func<object> call)
    {
        await Task.Delay(latency);
        return await (Task<T>)call();
    }
}
