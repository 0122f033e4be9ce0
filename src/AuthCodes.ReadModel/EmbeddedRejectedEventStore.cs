namespace AuthCodes.ReadModel;

/// <summary>The embedded <see cref="IRejectedEventStore"/>: a record is gone once its expiry has passed on <paramref name="time"/>.</summary>
internal sealed class EmbeddedRejectedEventStore(EmbeddedState state, TimeProvider time) : IRejectedEventStore
{
    public Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken) =>
        state.Locked(() =>
        {
            ForgetExpired();
            state.RejectedEvents[rejected.RecordId] = rejected;
        });

    public Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int skip, int max, CancellationToken cancellationToken) =>
        state.Locked<IReadOnlyList<RejectedEvent>>(() =>
        [
            .. state.RejectedEvents.Values.Where(IsLive)
                .OrderByDescending(r => r.RejectedAt).ThenBy(r => r.RecordId, StringComparer.Ordinal).Skip(skip).Take(max),
        ]);

    public Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        state.Locked(() => state.RejectedEvents.GetValueOrDefault(recordId) is { } record && IsLive(record) ? record : null);

    public Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        state.Locked(() => state.RejectedEvents.Remove(recordId));

    private bool IsLive(RejectedEvent record) => record.ExpiresAt is not { } expiresAt || expiresAt > time.GetUtcNow();

    /// <summary>Drops expired records when writing, so the store does not grow with them; the caller holds the lock.</summary>
    private void ForgetExpired()
    {
        foreach (var recordId in state.RejectedEvents.Values.Where(r => !IsLive(r)).Select(r => r.RecordId).ToList())
        {
            state.RejectedEvents.Remove(recordId);
        }
    }
}
