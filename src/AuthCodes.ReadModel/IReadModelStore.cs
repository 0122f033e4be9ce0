namespace AuthCodes.ReadModel;

/// <summary>
/// The read model's storage port. Every implementation (embedded, Cosmos DB) passes the same
/// conformance suite, so ordering, filtering, search and counting cannot drift between hosts.
/// </summary>
public interface IReadModelStore
{
    /// <summary>How many listed codes match <paramref name="filter"/>.</summary>
    Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The listed codes matching <paramref name="filter"/>, in <paramref name="ordering"/>
    /// (which always ends with the <c>pk</c> tie-breaker), skipping <paramref name="skip"/>.
    /// </summary>
    Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken);

    Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken);

    /// <summary>
    /// The live user whose token subject under <paramref name="mode"/> equals <paramref name="subject"/>;
    /// null when none or when more than one user matches (an ambiguous subject authenticates nobody).
    /// </summary>
    Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken);

    Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken);

    Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken);

    /// <summary>The client secrets of the given live providers, read in one batch (superuser pages only).</summary>
    Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken);

    /// <summary>Cheap reachability probe for health checks.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);

    Task SaveUserAsync(UserView user, CancellationToken cancellationToken);

    Task DeleteUserAsync(long pk, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken);

    Task DeleteProviderAsync(long pk, CancellationToken cancellationToken);

    Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken);

    /// <summary>Unlists a code; false when it was not listed (the projector then knows it changed nothing).</summary>
    Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken);

    // ---- Projection support -------------------------------------------------------------------
    // The projector keeps one snapshot per entity (state + stamp of the latest applied event, or a
    // tombstone) and derives the views above from them. Each member below maps to one cheap Cosmos
    // operation; the intended layout (a "snapshots" container next to the code documents):
    //   * users, groups, providers and applications: partition key = the kind ("user", "group", ...),
    //     id = the pk. Point reads by (kind, pk); the membership look-ups below are queries inside
    //     that one partition (these kinds hold thousands of items, far below a logical partition's
    //     20 GB), with the queried paths (/state/groups/[], /state/parent, /state/provider,
    //     /state/backchannelProviders/[]) in the index policy.
    //   * codes: partition key = "code/<pk>" (point reads and conditional writes for the hot path);
    //     the look-ups "codes of user X" / "codes of provider X" query the indexed
    //     /state/user and /state/provider paths; they run only on user and provider changes, which are
    //     rare next to code events.
    //   * every snapshot write is conditional (IfMatch on the ETag, or create-only for a new key), so
    //     two projector instances racing on one entity cannot both win; the loser re-reads.

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

    /// <summary>The derived view of a live user (as written by <see cref="SaveUserAsync"/>); null when none. Cosmos: point read.</summary>
    Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken);

    /// <summary>The derived view of a live provider (as written by <see cref="SaveProviderAsync"/>); null when none. Cosmos: point read.</summary>
    Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken);

    // Rejected events: an event that breaks the contract is recorded (secrets removed) and its message
    // completes; operators list and replay records. Keyed by record id, so a redelivered poison message
    // overwrites its own record instead of piling up.

    /// <summary>Records (or overwrites) a rejected event.</summary>
    Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken);

    /// <summary>The most recently rejected events first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int max, CancellationToken cancellationToken);

    Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken);

    /// <summary>Forgets a record (after a successful replay); no error when it is gone already.</summary>
    Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken);
}

/// <summary>
/// An event the projector refused, as operators see it: never a secret (the body is the event JSON
/// with secret fields removed, or null when it was not JSON).
/// </summary>
public sealed record RejectedEvent(
    string RecordId, string? EventId, string? Type, string? Subject, string Reason, DateTimeOffset RejectedAt, string? Body);

/// <summary>
/// Which codes a list request may see. <see cref="SearchTerms"/> are already lower-cased (invariant);
/// every term must occur in at least one searchable field.
/// </summary>
public sealed record CodeFilter(long? User = null, long? Provider = null, IReadOnlyList<string>? SearchTerms = null)
{
    public static readonly CodeFilter All = new();

    /// <summary>The reference semantics every store implements (the embedded store uses it directly).</summary>
    public bool Matches(CodeDocument code) =>
        (User is null || code.User.Pk == User)
        && (Provider is null || code.Provider.Pk == Provider)
        && (SearchTerms is null || SearchTerms.All(term => MatchesSearchTerm(code, term)));

    /// <summary>A term matches when it occurs, case-insensitively, in the provider name, the user's username, name or email, or one scope.</summary>
    public static bool MatchesSearchTerm(CodeDocument code, string lowerCaseTerm) =>
        Contains(code.Provider.Name, lowerCaseTerm)
        || Contains(code.User.Username, lowerCaseTerm)
        || Contains(code.User.Name, lowerCaseTerm)
        || Contains(code.User.Email, lowerCaseTerm)
        || code.Scope.Any(scope => Contains(scope, lowerCaseTerm));

    private static bool Contains(string field, string lowerCaseTerm) =>
        field.ToLowerInvariant().Contains(lowerCaseTerm, StringComparison.Ordinal);
}

/// <summary>How authentik providers map a user to a token's <c>sub</c> claim.</summary>
public enum SubjectMode
{
    HashedUserId,
    UserId,
    UserUuid,
    UserUsername,
    UserEmail,
    UserUpn,
}
