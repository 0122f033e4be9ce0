using System.Text.Json.Nodes;
using AuthCodes.Publishing;

namespace AuthCodes.Follow.Tests;

/// <summary>A destination that keeps what it took and lets a test wait (bounded) until it holds what it expects.</summary>
internal sealed class RecordingSink : IChangeEventSink, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly List<PublishableEvent> taken = [];
    private readonly SemaphoreSlim changed = new(0);

    private Exception? fault;

    public void Dispose() => changed.Dispose();

    /// <summary>The follower stopped with this: waits fail with it instead of timing out.</summary>
    public void Fault(Exception exception)
    {
        fault = exception;
        changed.Release();
    }

    /// <summary>While set, every call fails (the destination is down).</summary>
    public bool Down { get; set; }

    public List<PublishableEvent> Taken
    {
        get
        {
            lock (taken)
            {
                return [.. taken];
            }
        }
    }

    /// <summary>How many calls were refused while <see cref="Down"/>.</summary>
    public int Refused { get; private set; }

    public Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        if (Down)
        {
            Refused++;
            changed.Release();
            return Task.FromResult(new PublishReport([.. events.Select(e => new PublishResult(e, PublishStatus.Failed, "down"))]));
        }

        lock (taken)
        {
            taken.AddRange(events);
        }

        changed.Release();
        return Task.FromResult(new PublishReport([.. events.Select(e => new PublishResult(e, PublishStatus.Sent))]));
    }

    /// <summary>Waits until <paramref name="done"/> holds over what was taken; fails the test after 30 s.</summary>
    public async Task<List<JsonObject>> WaitForAsync(Func<List<JsonObject>, bool> done)
    {
        List<JsonObject> events = [];
        await UntilAsync(() => done(events = [.. Taken.Select(e => JsonNode.Parse(e.Json)!.AsObject())]));
        return events;
    }

    /// <summary>Waits until the condition holds after some call; fails the test after 30 s.</summary>
    public async Task UntilAsync(Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Assert.Null(fault);
            if (done())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out; the destination took: {string.Join(", ", Taken.Select(e => $"{e.Type} {e.Subject}"))}");
            }
        }
    }
}
