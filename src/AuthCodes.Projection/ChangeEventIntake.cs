using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Projection;

/// <summary>
/// The one way events enter the read model, shared by the Service Bus function and the local
/// host's HTTP intake: parse, apply, record rejections (then the message may complete), log one
/// line per outcome and measure lag. Transient store failures propagate, so Service Bus redelivers.
/// </summary>
public sealed partial class ChangeEventIntake(
    ChangeEventParser parser,
    Projector projector,
    IRejectedEventStore rejectedEvents,
    ISnapshotStore snapshots,
    ProjectionProgress progress,
    TimeProvider time,
    ILogger<ChangeEventIntake> logger)
{
    public const string MeterName = "AuthCodes.Projection";

    /// <summary>
    /// One span per event (<see cref="EventSpanName"/>), under the caller's span (the function
    /// invocation, the intake request) and above the store calls the event causes.
    /// </summary>
    public const string ActivitySourceName = "AuthCodes.Projection";

    public const string EventSpanName = "project change event";

    public static readonly TimeSpan DefaultRejectedEventRetention = TimeSpan.FromDays(14);

    private static readonly ActivitySource Activities = new(ActivitySourceName);
    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>(
        "authcodes.projection.lag", "s", "Time from an event's 'time' to its application.");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "authcodes.projection.events", "{event}", "Events by outcome (applied, ignored, rejected).");

    /// <summary>How long a rejected-event record is kept: it expires this long after the rejection.</summary>
    public TimeSpan RejectedEventRetention { get; init; } = DefaultRejectedEventRetention;

    /// <summary>One event: a Service Bus message body, or an <c>application/cloudevents+json</c> request.</summary>
    public async Task<ProjectionOutcome> HandleAsync(BinaryData body, CancellationToken cancellationToken) =>
        await HandleAsync(parser.Parse(body), body, cancellationToken);

    /// <summary>An <c>application/cloudevents-batch+json</c> array, applied in order.</summary>
    public async Task<IReadOnlyList<ProjectionOutcome>> HandleBatchAsync(BinaryData body, CancellationToken cancellationToken)
    {
        var outcomes = new List<ProjectionOutcome>();
        foreach (var parsed in parser.ParseBatch(body))
        {
            outcomes.Add(await HandleAsync(parsed, body, cancellationToken));
        }

        return outcomes;
    }

    /// <summary>
    /// Applies a recorded rejection again (after a publisher or configuration fix). The record is
    /// forgotten unless the event is rejected again; null when there is no such record. A record
    /// holds no <c>client_secret</c>: a replayed provider event keeps the one the read model has.
    /// </summary>
    public async Task<ProjectionOutcome?> ReplayAsync(string recordId, CancellationToken cancellationToken)
    {
        if (await rejectedEvents.GetRejectedEventAsync(recordId, cancellationToken) is not { } record)
        {
            return null;
        }

        if (record.Body is null)
        {
            return ProjectionOutcome.Rejected(new EventRejection(record.EventId, record.Type, record.Subject, record.Reason, null));
        }

        var body = BinaryData.FromString(record.Body);
        var outcome = await HandleAsync(await WithStoredClientSecretAsync(parser.Parse(body), cancellationToken), body, cancellationToken);
        if (outcome.Kind != OutcomeKind.Rejected || RecordIdOf(outcome.Rejection!, body) != recordId)
        {
            await rejectedEvents.DeleteRejectedEventAsync(recordId, cancellationToken);
        }

        return outcome;
    }

    private async Task<ParsedEvent> WithStoredClientSecretAsync(ParsedEvent parsed, CancellationToken cancellationToken) =>
        parsed.Event is { State: ProviderState replayed } replay
        && await snapshots.GetSnapshotAsync(replay.Key, cancellationToken) is { IsLive: true, State: ProviderState stored }
            ? ParsedEvent.Valid(replay with { State = replayed with { ClientSecret = stored.ClientSecret } })
            : parsed;

    private async Task<ProjectionOutcome> HandleAsync(ParsedEvent parsed, BinaryData body, CancellationToken cancellationToken)
    {
        using var activity = Activities.StartActivity(EventSpanName);
        try
        {
            var outcome = await ApplyAsync(parsed, body, cancellationToken);
            activity?.SetTag("cloudevents.event_id", outcome.EventId)
                .SetTag("cloudevents.event_type", outcome.Type)
                .SetTag("cloudevents.event_subject", outcome.Subject)
                .SetTag("authcodes.projection.outcome", outcome.Kind.Name());
            return outcome;
        }
        catch (Exception exception) when (activity is not null)
        {
            // The message is abandoned and redelivered: the span shows the failure that caused it.
            activity.AddException(exception).SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            throw;
        }
    }

    private async Task<ProjectionOutcome> ApplyAsync(ParsedEvent parsed, BinaryData body, CancellationToken cancellationToken)
    {
        var outcome = await projector.ApplyAsync(parsed, cancellationToken);
        var now = time.GetUtcNow();
        if (outcome.Rejection is { } rejection)
        {
            await rejectedEvents.RecordRejectedEventAsync(
                new RejectedEvent(RecordIdOf(rejection, body), rejection.Id, rejection.Type, rejection.Subject, rejection.Reason, now, rejection.SanitizedBody, now + RejectedEventRetention),
                cancellationToken);
        }

        var lag = parsed.Event?.Time is { } eventTime ? now - eventTime : (TimeSpan?)null;
        if (outcome.Kind == OutcomeKind.Applied)
        {
            progress.Applied(now);
        }

        Record(outcome, lag);
        return outcome;
    }

    /// <summary>The event id, or a hash of what was received: a redelivered poison message overwrites its own record.</summary>
    private static string RecordIdOf(EventRejection rejection, BinaryData body) =>
        rejection.Id is { Length: > 0 } id
            ? id
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(rejection.SanitizedBody is { } sanitized ? BinaryData.FromString(sanitized) : body));

    private void Record(ProjectionOutcome outcome, TimeSpan? lag)
    {
        var kind = outcome.Kind.Name();
        Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", kind));
        if (lag is { } value && outcome.Kind == OutcomeKind.Applied)
        {
            Lag.Record(value.TotalSeconds);
        }

        if (outcome.Kind == OutcomeKind.Rejected)
        {
            LogRejected(logger, outcome.EventId, outcome.Type, outcome.Subject, outcome.Reason);
        }
        else
        {
            LogOutcome(logger, outcome.EventId, outcome.Type, outcome.Subject, outcome.Version, kind, outcome.Reason, lag?.TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Event {EventId} {EventType} {Subject} version {Version}: {Outcome} {Reason} (lag {LagMilliseconds} ms)")]
    private static partial void LogOutcome(
        ILogger logger, string? eventId, string? eventType, string? subject, ulong? version, string outcome, string? reason, double? lagMilliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Event {EventId} {EventType} {Subject}: rejected {Reason}")]
    private static partial void LogRejected(ILogger logger, string? eventId, string? eventType, string? subject, string? reason);
}

/// <summary>When this instance last applied an event (for the health endpoint).</summary>
public sealed class ProjectionProgress
{
    private long lastAppliedTicks;

    public DateTimeOffset? LastAppliedAt =>
        Interlocked.Read(ref lastAppliedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Applied(DateTimeOffset at) => Interlocked.Exchange(ref lastAppliedTicks, at.UtcTicks);
}
