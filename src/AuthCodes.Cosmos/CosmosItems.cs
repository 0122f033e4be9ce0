using System.Text.Json;
using System.Text.Json.Serialization;
using AuthCodes.ReadModel;

namespace AuthCodes.Cosmos;

/// <summary>The System.Text.Json settings of every item (camelCase, nulls omitted so absent fields stay absent).</summary>
internal static class CosmosJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>
/// A listed code in the codes container (partition key <c>/id</c>): the whole <see cref="CodeDocument"/>
/// under <c>code</c>, plus the top-level fields queries filter and sort on. No secret is ever here.
/// </summary>
internal sealed class CodeItem
{
    public required string Id { get; init; }

    public long Pk { get; init; }

    public long ProviderPk { get; init; }

    public long UserPk { get; init; }

    /// <summary><see cref="CodeOrdering.ExpiresSortKey"/>, with null expiry as <see cref="NullExpiresKey"/> (exact in a JSON double).</summary>
    public long ExpiresKey { get; init; }

    /// <summary>The searchable fields, lower-cased invariantly, one per line (a search term never contains a line break).</summary>
    public required string Search { get; init; }

    public int? Ttl { get; init; }

    public required CodeDocument Code { get; init; }

    /// <summary>2^53 − 1: larger than any real expiry in microseconds (year 2255) and exact as a double, so null sorts last as in PostgreSQL.</summary>
    public const long NullExpiresKey = 9_007_199_254_740_991;

    public static long ExpiresKeyOf(DateTimeOffset? expires) =>
        expires is null ? NullExpiresKey : Math.Min(CodeOrdering.ExpiresSortKey(expires), NullExpiresKey - 1);

    public static string SearchTextOf(CodeDocument code) =>
        string.Join('\n', new[] { code.Provider.Name, code.User.Username, code.User.Name, code.User.Email }.Concat(code.Scope))
            .ToLowerInvariant();
}

/// <summary>The sort keys of one code (the key-only projection used for in-memory ordering and page boundaries).</summary>
internal sealed class CodeKeys
{
    public long Pk { get; init; }

    public long ProviderPk { get; init; }

    public long UserPk { get; init; }

    public long ExpiresKey { get; init; }

    public long Get(CodeSortKey key) => key switch
    {
        CodeSortKey.Pk => Pk,
        CodeSortKey.Provider => ProviderPk,
        CodeSortKey.User => UserPk,
        CodeSortKey.Expires => ExpiresKey,
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };
}

/// <summary>
/// An entity snapshot in the entities container. Partition: the kind (<c>user</c>, <c>group</c>,
/// <c>provider</c>, <c>application</c>) or <c>code/&lt;pk&gt;</c> for codes; id: the pk. Exactly one
/// of the state properties is set while the entity is live; none for a tombstone.
/// </summary>
internal sealed class SnapshotItem
{
    public required string Id { get; init; }

    public required string Partition { get; init; }

    public required string Kind { get; init; }

    /// <summary>The entity version as decimal text: a 64-bit value does not survive a JSON double.</summary>
    public required string Version { get; init; }

    public bool Deleted { get; init; }

    public required string EventId { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public int? Ttl { get; init; }

    public CodeState? Code { get; init; }

    public UserState? User { get; init; }

    public GroupState? Group { get; init; }

    /// <summary>The provider's own state, <c>client_secret</c> included: the only place a snapshot keeps it.</summary>
    public ProviderState? Provider { get; init; }

    public ApplicationState? Application { get; init; }

    /// <summary><see cref="EntitySnapshot.ReleasedProviders"/>; absent when empty.</summary>
    public long[]? ReleasedProviders { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>A derived user view (partition <c>userView</c>, id = pk) with its token subject under every subject mode.</summary>
internal sealed class UserViewItem
{
    public required string Id { get; init; }

    public string Partition { get; init; } = CosmosItemMapping.UserViewPartition;

    public required UserView View { get; init; }

    public required Dictionary<string, string> Subjects { get; init; }
}

/// <summary>A derived provider view (partition <c>providerView</c>, id = pk) and the secret superuser pages show.</summary>
internal sealed class ProviderViewItem
{
    public required string Id { get; init; }

    public string Partition { get; init; } = CosmosItemMapping.ProviderViewPartition;

    public required ProviderView View { get; init; }

    public required string ClientSecret { get; init; }
}

/// <summary>A rejected event (partition <c>rejected</c>, id = the record id escaped for Cosmos ids).</summary>
internal sealed class RejectedItem
{
    public required string Id { get; init; }

    public string Partition { get; init; } = CosmosItemMapping.RejectedPartition;

    public required string RecordId { get; init; }

    public string? EventId { get; init; }

    public string? Type { get; init; }

    public string? Subject { get; init; }

    public required string Reason { get; init; }

    public DateTimeOffset RejectedAt { get; init; }

    public long RejectedAtMicros { get; init; }

    public string? Body { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public int? Ttl { get; init; }
}
