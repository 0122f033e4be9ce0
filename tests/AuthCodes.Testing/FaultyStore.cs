using System.Reflection;
using AuthCodes.ReadModel;

namespace AuthCodes.Testing;

/// <summary>What a faulty store does to one call.</summary>
public enum StoreFault
{
    /// <summary>The call goes through.</summary>
    None,

    /// <summary>The call fails before it reaches the store (a transient error): nothing happened.</summary>
    Transient,

    /// <summary>
    /// The call reaches the store but never completes for the caller (a hang, a lost response, a crashed
    /// instance): the write happened and the delivery is abandoned. A crash before the write is a <see cref="Transient"/>.
    /// </summary>
    Crash,
}

/// <summary>The delivery was abandoned in a store call that did reach the store (<see cref="StoreFault.Crash"/>).</summary>
public sealed class CrashedCallException(string method) : Exception($"The instance crashed during {method}.");

/// <summary>
/// A store port that asks <c>decide</c> before every call (given the member's name) whether the call goes
/// through, fails transiently (<see cref="StoreUnavailableException"/>, nothing done) or "crashes" after
/// it reached the store (<see cref="CrashedCallException"/>): the faults the design's fault model names.
/// </summary>
public class FaultyStore : DispatchProxy
{
    private static readonly MethodInfo CrashAfterResult =
        typeof(FaultyStore).GetMethod(nameof(CrashAfterResultAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private object inner = null!;
    private Func<string, StoreFault> decide = null!;

    public static TPort Wrap<TPort>(TPort inner, Func<string, StoreFault> decide)
        where TPort : class
    {
        var proxy = Create<TPort, FaultyStore>();
        var faulty = (FaultyStore)(object)proxy;
        faulty.inner = inner;
        faulty.decide = decide;
        return proxy;
    }

    /// <summary>The projector's ports of <paramref name="stores"/>, both asking <paramref name="decide"/>.</summary>
    public static ReadModelStores WrapProjectorPorts(ReadModelStores stores, Func<string, StoreFault> decide) => stores with
    {
        Snapshots = Wrap(stores.Snapshots, decide),
        Views = Wrap(stores.Views, decide),
    };

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var method = targetMethod!;
        var resultType = method.ReturnType.IsGenericType ? method.ReturnType.GetGenericArguments()[0] : null;
        switch (decide(method.Name))
        {
            case StoreFault.Transient:
                var failure = new StoreUnavailableException($"Injected transient failure of {method.Name}.");
                return resultType is null
                    ? Task.FromException(failure)
                    : typeof(Task).GetMethod(nameof(Task.FromException), 1, [typeof(Exception)])!.MakeGenericMethod(resultType).Invoke(null, [failure]);
            case StoreFault.Crash:
                var call = method.Invoke(inner, args)!;
                return resultType is null ? CrashAfterAsync((Task)call, method.Name) : CrashAfterResult.MakeGenericMethod(resultType).Invoke(null, [call, method.Name]);
            default:
                return method.Invoke(inner, args);
        }
    }

    private static async Task CrashAfterAsync(Task call, string method)
    {
        await call;
        throw new CrashedCallException(method);
    }

    private static async Task<T> CrashAfterResultAsync<T>(Task<T> call, string method)
    {
        await call;
        throw new CrashedCallException(method);
    }
}
