namespace AuthCodes.ReadModel;

/// <summary>The embedded <see cref="IRejectedEventStore"/>.</summary>
internal sealed class EmbeddedRejectedEventStore(EmbeddedState state) : IRejectedEventStore
{
    public Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken) =>
        state.Locked(() => state.RejectedEvents[rejected.RecordId] = rejected);

    public Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int max, CancellationToken cancellationToken) =>
        state.Locked<IReadOnlyList<RejectedEvent>>(() =>
            [.. state.RejectedEvents.Values.OrderByDescending(r => r.RejectedAt).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(max)]);

    public Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        state.Locked(() => state.RejectedEvents.GetValueOrDefault(recordId));

    public Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        state.Locked(() => state.RejectedEvents.Remove(recordId));
}
