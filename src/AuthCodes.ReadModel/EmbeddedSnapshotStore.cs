namespace AuthCodes.ReadModel;

/// <summary>
/// The embedded <see cref="ISnapshotStore"/>: ETags from a counter, code snapshots indexed by user
/// and provider, and every snapshot with an expiry queued to be forgotten.
/// </summary>
internal sealed class EmbeddedSnapshotStore(EmbeddedState state) : ISnapshotStore
{
    public Task<EntitySnapshot?> GetSnapshotAsync(EntityKey key, CancellationToken cancellationToken) =>
        state.Locked(() => state.Snapshots.GetValueOrDefault(key));

    public Task<IReadOnlyList<EntitySnapshot>> GetSnapshotsAsync(IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken) =>
        state.Locked<IReadOnlyList<EntitySnapshot>>(() => [.. keys.Distinct().Select(state.Snapshots.GetValueOrDefault).OfType<EntitySnapshot>()]);

    public Task<bool> TryWriteSnapshotAsync(EntitySnapshot snapshot, string? expectedETag, CancellationToken cancellationToken)
    {
        var detached = snapshot.State switch
        {
            UserState user => user with { Attributes = EmbeddedState.Detach(user.Attributes) },
            GroupState group => group with { Attributes = EmbeddedState.Detach(group.Attributes) },
            var other => other,
        };
        return state.Locked(() =>
        {
            var current = state.Snapshots.GetValueOrDefault(snapshot.Key);
            if (current?.ETag != expectedETag)
            {
                return false;
            }

            if (current?.State is CodeState previous)
            {
                state.UnindexCode(previous);
            }

            if (detached is CodeState code)
            {
                state.IndexCode(code);
                state.ForgottenCodes.Remove(code.Pk);
            }

            state.Snapshots[snapshot.Key] = snapshot with { State = detached, ETag = state.NextETag() };
            if (snapshot.ExpiresAt is { } expiresAt)
            {
                state.ExpireAt(snapshot.Key, expiresAt);
            }

            return true;
        });
    }

    public Task<IReadOnlyList<CodeState>> GetLiveCodesOfUserAsync(long userPk, CancellationToken cancellationToken) =>
        LiveCodesIn(state.CodesByUser, userPk);

    public Task<IReadOnlyList<CodeState>> GetLiveCodesOfProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        LiveCodesIn(state.CodesByProvider, providerPk);

    public Task<IReadOnlyList<UserState>> GetLiveUsersInGroupsAsync(IReadOnlyCollection<Guid> groupPks, CancellationToken cancellationToken) =>
        LiveStates<UserState>(user => user.Groups.Any(groupPks.Contains));

    public Task<IReadOnlyList<GroupState>> GetLiveChildGroupsAsync(Guid parentPk, CancellationToken cancellationToken) =>
        LiveStates<GroupState>(group => group.Parent == parentPk);

    public Task<IReadOnlyList<ApplicationState>> GetLiveApplicationsClaimingProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        LiveStates<ApplicationState>(application => application.Provider == providerPk || application.BackchannelProviders.Contains(providerPk));

    private Task<IReadOnlyList<CodeState>> LiveCodesIn(Dictionary<long, HashSet<long>> index, long pk) =>
        state.Locked<IReadOnlyList<CodeState>>(() => index.TryGetValue(pk, out var codePks)
            ? [.. codePks.Order().Select(code => state.Snapshots[EntityKey.Code(code)]).Where(s => s.IsLive).Select(s => (CodeState)s.State!)]
            : []);

    private Task<IReadOnlyList<T>> LiveStates<T>(Func<T, bool> predicate)
        where T : EntityState =>
        state.Locked<IReadOnlyList<T>>(() => [.. state.Snapshots.Values.Where(s => s.IsLive).Select(s => s.State).OfType<T>().Where(predicate)]);
}
