namespace AuthCodes.ReadModel;

/// <summary>
/// The projector's entity persistence: one snapshot per entity (state and stamp of the latest applied
/// event, or a tombstone) and the look-ups its fan-out needs. Each member maps to one cheap Cosmos
/// operation (docs/cosmos-design.md); every write is conditional (create-only for a new key, or on
/// the ETag read), so two projector instances racing on one entity cannot both win.
/// </summary>
public interface ISnapshotStore
{
    /// <summary>The snapshot of one entity, tombstones included; null when no event of it was ever applied (or it was forgotten). Cosmos: one point read.</summary>
    Task<EntitySnapshot?> GetSnapshotAsync(EntityKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The snapshots of the given entities that exist, in no particular order (Cosmos: ReadMany, point reads).
    /// </summary>
    Task<IReadOnlyList<EntitySnapshot>> GetSnapshotsAsync(IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="snapshot"/> under optimistic concurrency: when <paramref name="expectedETag"/> is
    /// null it only creates (fails when a snapshot of the key exists), otherwise it only replaces the
    /// snapshot whose ETag is <paramref name="expectedETag"/>. False when that condition fails
    /// (Cosmos: Create or Replace with IfMatchEtag, 409/412 mapped to false).
    /// </summary>
    Task<bool> TryWriteSnapshotAsync(EntitySnapshot snapshot, string? expectedETag, CancellationToken cancellationToken);

    /// <summary>Live codes whose <c>user</c> is <paramref name="userPk"/>, listed or not (fan-out of a user change).</summary>
    Task<IReadOnlyList<CodeState>> GetLiveCodesOfUserAsync(long userPk, CancellationToken cancellationToken);

    /// <summary>Live codes whose <c>provider</c> is <paramref name="providerPk"/>, listed or not (fan-out of a provider change).</summary>
    Task<IReadOnlyList<CodeState>> GetLiveCodesOfProviderAsync(long providerPk, CancellationToken cancellationToken);

    /// <summary>Live users whose direct <c>groups</c> contain any of <paramref name="groupPks"/> (single partition "user").</summary>
    Task<IReadOnlyList<UserState>> GetLiveUsersInGroupsAsync(IReadOnlyCollection<Guid> groupPks, CancellationToken cancellationToken);

    /// <summary>Live groups whose <c>parent</c> is <paramref name="parentPk"/>, whether that parent is live or not (single partition "group").</summary>
    Task<IReadOnlyList<GroupState>> GetLiveChildGroupsAsync(Guid parentPk, CancellationToken cancellationToken);

    /// <summary>Live applications whose <c>provider</c> is <paramref name="providerPk"/> or whose <c>backchannel_providers</c> contain it (single partition "application").</summary>
    Task<IReadOnlyList<ApplicationState>> GetLiveApplicationsClaimingProviderAsync(long providerPk, CancellationToken cancellationToken);
}
