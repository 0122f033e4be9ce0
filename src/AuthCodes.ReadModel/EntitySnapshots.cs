using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// Which event an entity's snapshot last applied. Stamps are totally ordered: the higher
/// <see cref="Version"/> wins; on equal versions a delete beats a save; then the ordinally larger
/// event id wins. An event whose stamp equals the stored one is an exact duplicate.
/// </summary>
public sealed record EventStamp(ulong Version, bool Deleted, string EventId) : IComparable<EventStamp>
{
    public int CompareTo(EventStamp? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byVersion = Version.CompareTo(other.Version);
        if (byVersion != 0)
        {
            return byVersion;
        }

        var byDeleted = Deleted.CompareTo(other.Deleted);
        return byDeleted != 0 ? byDeleted : string.CompareOrdinal(EventId, other.EventId);
    }

    public static bool operator >(EventStamp left, EventStamp right) => left.CompareTo(right) > 0;

    public static bool operator <(EventStamp left, EventStamp right) => left.CompareTo(right) < 0;

    public static bool operator >=(EventStamp left, EventStamp right) => left.CompareTo(right) >= 0;

    public static bool operator <=(EventStamp left, EventStamp right) => left.CompareTo(right) <= 0;
}

/// <summary>
/// An entity's state as its latest <c>saved</c> event carried it, normalized (the change-event
/// contract's <c>data</c> after validation). Only the entity's own fields and foreign keys: every
/// cross-entity field is derived by the projector. Code secrets never reach these types.
/// </summary>
public abstract record EntityState
{
    public abstract EntityKey Key { get; }
}

public sealed record CodeState(
    long Pk,
    long Provider,
    long User,
    DateTimeOffset? Expires,
    bool Expiring,
    IReadOnlyList<string> Scope) : EntityState
{
    public override EntityKey Key => EntityKey.Code(Pk);
}

public sealed record UserState(
    long Pk,
    string Username,
    string Name,
    bool IsActive,
    DateTimeOffset? LastLogin,
    IReadOnlyList<Guid> Groups,
    string Email,
    string Avatar,
    JsonElement Attributes,
    string Uid,
    string Path,
    string Type,
    Guid Uuid) : EntityState
{
    public override EntityKey Key => EntityKey.User(Pk);
}

public sealed record GroupState(
    Guid Pk,
    string Name,
    bool IsSuperuser,
    Guid? Parent,
    JsonElement Attributes) : EntityState
{
    public override EntityKey Key => EntityKey.Group(Pk);
}

/// <summary>A provider's own state, including its <c>client_secret</c>, which is kept only here.</summary>
public sealed record ProviderState(
    long Pk,
    string Name,
    Guid? AuthenticationFlow,
    Guid? AuthorizationFlow,
    IReadOnlyList<Guid> PropertyMappings,
    string ClientType,
    string ClientId,
    string ClientSecret,
    string AccessCodeValidity,
    string AccessTokenValidity,
    string RefreshTokenValidity,
    bool IncludeClaimsInIdToken,
    Guid? SigningKey,
    string RedirectUris,
    string SubMode,
    string IssuerMode,
    IReadOnlyList<Guid> JwksSources) : EntityState
{
    public override EntityKey Key => EntityKey.Provider(Pk);

    /// <summary>Record printing must never show the secret (logs, assertion messages).</summary>
    protected override bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Pk = ").Append(Pk).Append(", Name = ").Append(Name).Append(", ClientId = ").Append(ClientId);
        return true;
    }
}

public sealed record ApplicationState(
    Guid Pk,
    string Slug,
    string Name,
    long? Provider,
    IReadOnlyList<long> BackchannelProviders) : EntityState
{
    public override EntityKey Key => EntityKey.Application(Pk);
}

/// <summary>
/// What the store keeps per entity for the projector: the stamp of the latest applied event and
/// the state it carried (null for a tombstone). <see cref="ETag"/> is the store's concurrency token
/// (Cosmos <c>_etag</c>), set by the store on reads and ignored on writes;
/// <see cref="ExpiresAt"/> is when the store may forget the snapshot (codes only: expiry plus the
/// grace period; Cosmos maps it to the item <c>ttl</c>); null keeps it for the retention period
/// of the deployment (at least the subscription's message time-to-live).
/// </summary>
public sealed record EntitySnapshot(
    EntityKey Key,
    EventStamp Stamp,
    EntityState? State,
    DateTimeOffset? ExpiresAt = null,
    string? ETag = null)
{
    public bool IsLive => State is not null && !Stamp.Deleted;

    /// <summary>
    /// Providers an application no longer claims whose views its derivation has not yet been seen to
    /// rewrite: the snapshot replaced the state that named them, so a redelivery (or the next event of
    /// the application) reads them here. Emptied once a derivation completed; always empty for other kinds.
    /// </summary>
    public IReadOnlyList<long> ReleasedProviders { get; init; } = [];
}

/// <summary>A snapshot write lost an optimistic-concurrency race; the caller re-reads and retries.</summary>
public sealed class SnapshotConflictException(EntityKey key)
    : Exception($"The snapshot of {key} was changed concurrently.")
{
    public EntityKey Key { get; } = key;
}
