namespace AuthCodes.ReadModel;

/// <summary>
/// Rejected events: an event that breaks the contract is recorded (secrets removed) and its message
/// completes; operators list and replay records. Keyed by record id, so a redelivered poison message
/// overwrites its own record instead of piling up.
/// </summary>
public interface IRejectedEventStore
{
    /// <summary>Records (or overwrites) a rejected event.</summary>
    Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken);

    /// <summary>The most recently rejected events first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int max, CancellationToken cancellationToken) =>
        ListRejectedEventsAsync(0, max, cancellationToken);

    /// <summary>The most recently rejected events first, skipping <paramref name="skip"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int skip, int max, CancellationToken cancellationToken);

    Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken);

    /// <summary>Forgets a record (after a successful replay); no error when it is gone already.</summary>
    Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken);
}

/// <summary>
/// An event the projector refused, as operators see it: never a secret (the body is the event JSON
/// with secret fields removed, or null when it was not JSON). A store forgets it at
/// <paramref name="ExpiresAt"/> (null: never).
/// </summary>
public sealed record RejectedEvent(
    string RecordId, string? EventId, string? Type, string? Subject, string Reason, DateTimeOffset RejectedAt, string? Body,
    DateTimeOffset? ExpiresAt = null);
