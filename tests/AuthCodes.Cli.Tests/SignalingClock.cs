using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Cli.Tests;

/// <summary>
/// A fake clock that tells a test when code under test starts waiting on it: every timer (so every
/// <c>Task.Delay</c> on this clock) is counted by its due time, and <see cref="TimerCreated"/> completes
/// once the nth timer of a due time exists. Advancing only after that signal cannot race the waiter.
/// </summary>
internal sealed class SignalingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly ConcurrentDictionary<TimeSpan, int> created = new();
    private readonly ConcurrentDictionary<(TimeSpan, int), TaskCompletionSource> waiters = new();

    /// <summary>Completes when <paramref name="count"/> timers due after <paramref name="dueTime"/> have been created.</summary>
    public Task TimerCreated(TimeSpan dueTime, int count) => Waiter(dueTime, count).Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Waiter(dueTime, created.AddOrUpdate(dueTime, 1, (_, count) => count + 1)).TrySetResult();
        return timer;
    }

    private TaskCompletionSource Waiter(TimeSpan dueTime, int count) =>
        waiters.GetOrAdd((dueTime, count), _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
