using System.Threading.Channels;
using AuthCodes.Publishing;
using NpgsqlTypes;

namespace AuthCodes.Follow;

/// <summary>A committed transaction's events and the LSN just past its commit record.</summary>
internal sealed record PendingCommit(IReadOnlyList<PublishableEvent> Events, NpgsqlLogSequenceNumber EndLsn);

/// <summary>
/// Sends commits in order, several per call to the destination, and acknowledges a commit's end
/// LSN only after the destination took every event up to it: what failed is sent again (after
/// <see cref="FollowSettings.RetryDelay"/>) until it goes through. An event the destination
/// rejects is reported and counts as done (the read model records rejections; sending it again
/// cannot help).
/// </summary>
internal sealed class AcknowledgingSender(IChangeEventSink sink, FollowSettings settings, Action<NpgsqlLogSequenceNumber> acknowledge, Action<string> report)
{
    private readonly Channel<PendingCommit> pending = Channel.CreateBounded<PendingCommit>(new BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true });

    public ValueTask EnqueueAsync(PendingCommit commit, CancellationToken cancellationToken) => pending.Writer.WriteAsync(commit, cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = pending.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            var events = new List<PublishableEvent>();
            var last = default(NpgsqlLogSequenceNumber);
            while (events.Count < settings.MaxBatch && reader.TryRead(out var commit))
            {
                events.AddRange(commit.Events);
                last = commit.EndLsn;
            }

            await SendUntilTakenAsync(events, cancellationToken);
            acknowledge(last);
        }
    }

    public async Task SendUntilTakenAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        var remaining = events;
        while (remaining.Count > 0)
        {
            PublishReport result;
            try
            {
                result = await sink.PublishAsync(remaining, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                result = new PublishReport([.. remaining.Select(e => new PublishResult(e, PublishStatus.Failed, PublishResult.OneLine(exception)))]);
            }

            foreach (var rejected in result.Results.Where(r => r.Status == PublishStatus.Rejected))
            {
                report($"rejected: {rejected.Event.Subject} ({rejected.Event.Type}, id {rejected.Event.Id}): {rejected.Detail}");
            }

            remaining = [.. result.Results.Where(r => r.Status is PublishStatus.Failed or PublishStatus.NotSent).Select(r => r.Event)];
            if (remaining.Count > 0)
            {
                var first = result.Results.First(r => r.Status is PublishStatus.Failed or PublishStatus.NotSent);
                report($"{remaining.Count} event(s) not taken by the destination ({first.Detail}); sending them again in {settings.RetryDelay.TotalSeconds:0.#} s.");
                await Task.Delay(settings.RetryDelay, cancellationToken);
            }
        }
    }
}
