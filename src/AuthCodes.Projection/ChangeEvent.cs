using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>
/// A validated change event (the contract in <c>docs/events.md</c>): the envelope facts the
/// projector needs and the entity's normalized state (null for <c>deleted</c>). Secrets of codes
/// never reach this type; a provider's <c>client_secret</c> travels inside <see cref="ProviderState"/>,
/// whose printed form omits it.
/// </summary>
public sealed record ChangeEvent(
    string Id,
    string Source,
    string Type,
    string Subject,
    EntityKey Key,
    bool Deleted,
    ulong Version,
    DateTimeOffset? Time,
    EntityState? State)
{
    public EventStamp Stamp => new(Version, Deleted, Id);
}

/// <summary>
/// Why an event cannot be applied, with what is known of it for the rejected-events record.
/// <see cref="SanitizedBody"/> is the event JSON with every secret field removed from <c>data</c>
/// (null when the body was not JSON, so nothing unsanitized is ever kept).
/// </summary>
public sealed record EventRejection(string? Id, string? Type, string? Subject, string Reason, string? SanitizedBody);

/// <summary>The result of parsing one event: exactly one of <see cref="Event"/> and <see cref="Rejection"/> is set.</summary>
public sealed record ParsedEvent
{
    private ParsedEvent(ChangeEvent? @event, EventRejection? rejection)
    {
        Event = @event;
        Rejection = rejection;
    }

    public ChangeEvent? Event { get; }

    public EventRejection? Rejection { get; }

    public bool IsValid => Event is not null;

    public static ParsedEvent Valid(ChangeEvent @event) => new(@event, null);

    public static ParsedEvent Rejected(EventRejection rejection) => new(null, rejection);
}
