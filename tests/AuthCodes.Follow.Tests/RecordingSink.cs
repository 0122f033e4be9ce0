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

    public Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        if (Down)
        {
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
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Assert.Null(fault);
            var events = Taken.Select(e => JsonNode.Parse(e.Json)!.AsObject()).ToList();
            if (done(events))
            {
                return events;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out; the destination took: {string.Join(", ", events.Select(e => $"{e["type"]} {e["subject"]}"))}");
            }
        }
    }
}
