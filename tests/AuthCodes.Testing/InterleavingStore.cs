using System.Reflection;
using AuthCodes.ReadModel;

namespace AuthCodes.Testing;

/// <summary>
/// One projector instance's view of a store port shared with another: forwards every call, but runs a step of
/// the other instance (applying a racing event from start to end) before the nth call of one method.
/// </summary>
public class InterleavingStore : DispatchProxy
{
    private static readonly MethodInfo RunThenForwardResult =
        typeof(InterleavingStore).GetMethod(nameof(RunThenForwardResultAsync), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private object inner = null!;
    private string pausedBefore = null!;
    private int callsUntilPause;
    private Func<Task>? step;

    public static TPort Wrap<TPort>(TPort inner, string pausedBefore, int occurrence, Func<Task> step)
        where TPort : class
    {
        var proxy = Create<TPort, InterleavingStore>();
        var interleaving = (InterleavingStore)(object)proxy;
        interleaving.inner = inner;
        interleaving.pausedBefore = pausedBefore;
        interleaving.callsUntilPause = occurrence;
        interleaving.step = step;
        return proxy;
    }

    /// <summary>The projector's ports of <paramref name="stores"/>, paused before the nth call of <paramref name="pausedBefore"/> (a member of either).</summary>
    public static ReadModelStores WrapProjectorPorts(ReadModelStores stores, string pausedBefore, int occurrence, Func<Task> step) => stores with
    {
        Snapshots = Wrap(stores.Snapshots, pausedBefore, occurrence, step),
        Views = Wrap(stores.Views, pausedBefore, occurrence, step),
    };

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (targetMethod?.Name == pausedBefore && Interlocked.Decrement(ref callsUntilPause) == 0 && Interlocked.Exchange(ref step, null) is { } pending)
        {
            return targetMethod.ReturnType.IsGenericType
                ? RunThenForwardResult.MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()).Invoke(this, [pending, targetMethod, args])
                : RunThenForwardAsync(pending, targetMethod, args);
        }

        return targetMethod!.Invoke(inner, args);
    }

    private async Task RunThenForwardAsync(Func<Task> pending, MethodInfo method, object?[]? args)
    {
        await pending();
        await (Task)method.Invoke(inner, args)!;
    }

    private async Task<T> RunThenForwardResultAsync<T>(Func<Task> pending, MethodInfo method, object?[]? args)
    {
        await pending();
        return await (Task<T>)method.Invoke(inner, args)!;
    }
}
