namespace AuthCodes.Publishing;

public enum PublishStatus
{
    /// <summary>The transport accepted the event (Service Bus: the batch was sent; HTTP intake: applied or ignored).</summary>
    Sent,

    /// <summary>The local host's intake received the event and rejected it (the reason says why); sending it again will not help.</summary>
    Rejected,

    /// <summary>Sending failed. The event may or may not have arrived; sending it again is safe (duplicate detection, idempotent projection).</summary>
    Failed,

    /// <summary>The transport refused the whole request (the intake's 4xx answer: a missing or wrong key, a body too large); nothing arrived. Fix the cause and send again.</summary>
    Refused,

    /// <summary>Never handed to the transport (an earlier failure stopped the run, or it was cancelled first).</summary>
    NotSent,
}

/// <summary>What became of one event; <see cref="Detail"/> is the intake's outcome or the error.</summary>
public sealed record PublishResult(PublishableEvent Event, PublishStatus Status, string? Detail = null)
{
    /// <summary>
    /// A failure as one line of <see cref="Detail"/>: the Azure SDKs put inner stack traces and
    /// diagnostics into their messages, which must not reach an operator's terminal or logs. A Service
    /// Bus failure keeps its reason (what kind of failure it was).
    /// </summary>
    public static string OneLine(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var firstLine = exception.Message.Split('\n', 2)[0].TrimEnd();
        return exception is Azure.Messaging.ServiceBus.ServiceBusException serviceBus ? $"{firstLine} ({serviceBus.Reason})" : firstLine;
    }
}

/// <summary>One result per event given, in the order given: nothing is dropped without a status.</summary>
public sealed record PublishReport(IReadOnlyList<PublishResult> Results)
{
    public int Count(PublishStatus status) => Results.Count(r => r.Status == status);

    public bool AllSent => Results.All(r => r.Status == PublishStatus.Sent);
}

/// <summary>Somewhere events go: a Service Bus topic, the local host's intake, a file.</summary>
public interface IChangeEventSink
{
    Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken);
}
