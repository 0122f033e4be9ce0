using AuthCodes.Projection;
using AuthCodes.Publishing;

namespace AuthCodes.Follow;

/// <summary>
/// The read model's own intake as a destination (no broker): each event is applied in-process.
/// An event the store failed on is reported failed, and so are the ones after it in the call,
/// so the follower sends them again in order.
/// </summary>
public sealed class IntakeSink(ChangeEventIntake intake) : IChangeEventSink
{
    public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        var results = new List<PublishResult>(events.Count);
        foreach (var e in events)
        {
            if (results.Count > 0 && results[^1].Status is PublishStatus.Failed or PublishStatus.NotSent)
            {
                results.Add(new PublishResult(e, PublishStatus.NotSent, "an earlier event could not be projected"));
                continue;
            }

            try
            {
                var outcome = await intake.HandleAsync(BinaryData.FromString(e.Json), cancellationToken);
                results.Add(outcome.Kind == OutcomeKind.Rejected
                    ? new PublishResult(e, PublishStatus.Rejected, outcome.Reason)
                    : new PublishResult(e, PublishStatus.Sent, outcome.Kind.Name()));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                results.Add(new PublishResult(e, PublishStatus.Failed, PublishResult.OneLine(exception)));
            }
        }

        return new PublishReport(results);
    }
}
