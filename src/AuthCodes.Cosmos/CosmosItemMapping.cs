using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AuthCodes.ReadModel;

namespace AuthCodes.Cosmos;

/// <summary>
/// How read-model values become Cosmos items and back: ids, partitions, <c>ttl</c>s and the item
/// types of <c>CosmosItems.cs</c>. Ids are the canonical pk text (<c>"42"</c>, a lower-case uuid).
/// </summary>
internal sealed class CosmosItemMapping(CosmosStoreOptions options, TimeProvider time)
{
    public const string UserViewPartition = "userView";
    public const string ProviderViewPartition = "providerView";
    public const string RejectedPartition = "rejected";

    public CodeItem ToItem(CodeDocument code)
    {
        var stored = code with { Expires = code.Expires is { } expires ? DrfDateTime.Normalize(expires) : null };
        return new CodeItem
        {
            Id = Id(code.Pk),
            Pk = code.Pk,
            ProviderPk = code.Provider.Pk,
            UserPk = code.User.Pk,
            ExpiresKey = CodeItem.ExpiresKeyOf(stored.Expires),
            Search = CodeItem.SearchTextOf(stored),
            Ttl = TtlUntil(stored.Expires + options.CodeGracePeriod),
            Code = stored,
        };
    }

    public SnapshotItem ToItem(EntitySnapshot snapshot)
    {
        var live = snapshot.Stamp.Deleted ? null : snapshot.State;
        var key = snapshot.Key;
        int? ttl = snapshot.ExpiresAt is { } at
            ? TtlUntil(at)
            : live is null ? Seconds(options.TombstoneRetention) : null;
        return new SnapshotItem
        {
            Id = key.PkText,
            Partition = PartitionOf(key),
            Kind = KindName(key.Kind),
            Version = snapshot.Stamp.Version.ToString(CultureInfo.InvariantCulture),
            Deleted = snapshot.Stamp.Deleted,
            EventId = snapshot.Stamp.EventId,
            ExpiresAt = snapshot.ExpiresAt,
            Ttl = ttl,
            Code = live as CodeState,
            User = live as UserState,
            Group = live as GroupState,
            Provider = live as ProviderState,
            Application = live as ApplicationState,
            ReleasedProviders = snapshot.ReleasedProviders.Count == 0 ? null : [.. snapshot.ReleasedProviders],
        };
    }

    public static EntitySnapshot ToSnapshot(SnapshotItem item)
    {
        EntityState? state = item.Code ?? item.User ?? item.Group ?? item.Provider ?? (EntityState?)item.Application;
        return new EntitySnapshot(
            EntityKey.Parse(KindOf(item.Kind), item.Id),
            new EventStamp(ulong.Parse(item.Version, NumberStyles.None, CultureInfo.InvariantCulture), item.Deleted, item.EventId),
            state,
            item.ExpiresAt,
            item.ETag)
        {
            ReleasedProviders = item.ReleasedProviders ?? [],
        };
    }

    /// <summary>A user view with its token subject under every subject mode but <see cref="SubjectMode.UserId"/> (the id itself).</summary>
    public static UserViewItem ToItem(UserView user) => new()
    {
        Id = Id(user.Pk),
        View = user,
        Subjects = Enum.GetValues<SubjectMode>().Where(m => m != SubjectMode.UserId).ToDictionary(SubjectField, user.SubjectOf),
    };

    public RejectedItem ToItem(RejectedEvent rejected) => new()
    {
        Id = RejectedId(rejected.RecordId),
        RecordId = rejected.RecordId,
        EventId = rejected.EventId,
        Type = rejected.Type,
        Subject = rejected.Subject,
        Reason = rejected.Reason,
        RejectedAt = rejected.RejectedAt,
        RejectedAtMicros = (rejected.RejectedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
        Body = rejected.Body,
        ExpiresAt = rejected.ExpiresAt,
        Ttl = TtlUntil(rejected.ExpiresAt),
    };

    public static RejectedEvent ToRejected(RejectedItem item) =>
        new(item.RecordId, item.EventId, item.Type, item.Subject, item.Reason, item.RejectedAt, item.Body, item.ExpiresAt);

    /// <summary>Item <c>ttl</c> in seconds until <paramref name="until"/>: at least 1 (0 is invalid and would mean "never" to nobody); null keeps the item.</summary>
    private int? TtlUntil(DateTimeOffset? until) =>
        until is { } at ? Seconds(at - time.GetUtcNow()) : null;

    internal static int Seconds(TimeSpan span) =>
        (int)Math.Clamp(Math.Ceiling(span.TotalSeconds), 1, int.MaxValue);

    public static string Id(long pk) => pk.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Cosmos ids may not contain '/', '\', '?' or '#': record ids are stored escaped (the original is
    /// kept in <c>recordId</c>); one longer than Cosmos's 255 characters once escaped is stored as its
    /// SHA-256, since a write Cosmos refuses would read as transient and the message would be redelivered.
    /// </summary>
    internal static string RejectedId(string recordId) =>
        Uri.EscapeDataString(recordId) is { Length: <= MaxIdLength } escaped
            ? escaped
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recordId)));

    private const int MaxIdLength = 255;

    /// <summary>A code snapshot gets a partition of its own (point writes on the hot path); other kinds share one per kind.</summary>
    internal static string PartitionOf(EntityKey key) =>
        key.Kind == EntityKind.AuthorizationCode ? $"code/{key.PkText}" : KindName(key.Kind);

    internal static string KindName(EntityKind kind) => kind switch
    {
        EntityKind.AuthorizationCode => "code",
        EntityKind.User => "user",
        EntityKind.Group => "group",
        EntityKind.Provider => "provider",
        EntityKind.Application => "application",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static EntityKind KindOf(string name) => name switch
    {
        "code" => EntityKind.AuthorizationCode,
        "user" => EntityKind.User,
        "group" => EntityKind.Group,
        "provider" => EntityKind.Provider,
        "application" => EntityKind.Application,
        _ => throw new InvalidOperationException($"Unknown snapshot kind '{name}'."),
    };

    public static string SubjectField(SubjectMode mode) => mode switch
    {
        SubjectMode.HashedUserId => "hashedUserId",
        SubjectMode.UserId => "userId",
        SubjectMode.UserUuid => "userUuid",
        SubjectMode.UserUsername => "userUsername",
        SubjectMode.UserEmail => "userEmail",
        SubjectMode.UserUpn => "userUpn",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };
}
