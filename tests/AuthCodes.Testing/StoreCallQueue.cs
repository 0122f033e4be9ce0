using System.Reflection;
using System.Threading.Channels;

namespace AuthCodes.Testing;

/// <summary>
/// Store ports whose calls complete later, as a remote store's do, but one at a time and only when
/// <see cref="RunAsync{T}"/> takes them from the queue. The caller has then always seen its call pending
/// (a yield to the thread pool races the caller's check), so the projector's fan-out deterministically
/// takes the path that keeps writes in flight, which the embedded store (answering at once) never reaches.
/// </summary>
public sealed class StoreCallQueue
{
    private readonly Channel<Action> pending = Channel.CreateUnbounded<Action>();

    /// <summary>Calls made and not yet answered.</summary>
    public int Pending => pending.Reader.Count;

    public TPort Wrap<TPort>(TPort inner)
        where TPort : class
    {
        var proxy = DispatchProxy.Create<TPort, QueuedPort>();
        ((QueuedPort)(object)proxy).Attach(inner, pending.Writer);
        return proxy;
    }

    /// <summary>
    /// Answers the queued calls in order, each continuing its caller inline, until <paramref name="work"/> ends;
    /// when the work waits on something else (a continuation the runtime moved to the thread pool), waits with it.
    /// </summary>
    public async Task<T> RunAsync<T>(Task<T> work)
    {
        while (!work.IsCompleted)
        {
            if (pending.Reader.TryRead(out var answer))
            {
                answer();
            }
            else
            {
                await Task.WhenAny(work, pending.Reader.WaitToReadAsync().AsTask());
            }
        }

        return await work;
    }

    public class QueuedPort : DispatchProxy
    {
        private static readonly MethodInfo QueueResult = typeof(QueuedPort).GetMethod(nameof(QueueCall), BindingFlags.NonPublic | BindingFlags.Static)!;

        private object inner = null!;
        private ChannelWriter<Action> queue = null!;

        internal void Attach(object port, ChannelWriter<Action> calls) => (inner, queue) = (port, calls);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod!.ReturnType.IsGenericType
                ? QueueResult.MakeGenericMethod(targetMethod.ReturnType.GetGenericArguments()).Invoke(null, [queue, inner, targetMethod, args])
                : QueueCall<object?>(queue, inner, targetMethod, args);

        private static Task<T> QueueCall<T>(ChannelWriter<Action> queue, object inner, MethodInfo method, object?[]? args)
        {
            // Continuations run inline on the answering thread: the caller goes on to its next store call before RunAsync does.
            var answer = new TaskCompletionSource<T>();
            queue.TryWrite(() =>
            {
                Task call;
                try
                {
                    call = (Task)method.Invoke(inner, args)!;
                }
                catch (TargetInvocationException thrown)
                {
                    answer.SetException(thrown.InnerException!);
                    return;
                }

                call.ContinueWith(
                    done =>
                    {
                        if (done.IsFaulted)
                        {
                            answer.SetException(done.Exception!.InnerExceptions);
                        }
                        else if (done.IsCanceled)
                        {
                            answer.SetCanceled();
                        }
                        else
                        {
                            answer.SetResult(done is Task<T> result ? result.Result : default!);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            });
            return answer.Task;
        }
    }
}
