using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Cosmos;

/// <summary>
/// <see cref="IReadModelStore"/> on Azure Cosmos DB (NoSQL API). Two containers (see
/// <see cref="CosmosContainerDefinition"/> and docs/cosmos-design.md): <c>codes</c> holds the listed
/// code documents (partition key <c>/id</c>: every code write and read is a point operation), and
/// <c>entities</c> holds snapshots, user and provider views and rejected events (partition key
/// <c>/partition</c>: the kind, so membership look-ups are single-partition queries).
/// </summary>
public sealed partial class CosmosReadModelStore : IReadModelStore
{
    internal const string UserViewPartition = "userView";
    internal const string ProviderViewPartition = "providerView";
    internal const string RejectedPartition = "rejected";

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };

    private readonly CosmosStoreOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CosmosContainers containers;
    private readonly PageBoundaryCache boundaries;

    public CosmosReadModelStore(CosmosContainers containers, CosmosStoreOptions options, TimeProvider time, ILogger<CosmosReadModelStore> logger)
    {
        this.containers = containers;
        this.options = options;
        this.time = time;
        this.logger = logger;
        boundaries = new PageBoundaryCache(options.PageBoundaryCacheLifetime, time);
    }

    // ---- List reads --------------------------------------------------------------------------

    public async Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken)
    {
        var query = new CodeQuery(filter);
        if (boundaries.Count(query.CacheKey) is { } remembered)
        {
            return remembered;
        }

        var definition = query.Definition("SELECT VALUE COUNT(1) FROM c", null, null);
        var counts = await QueryAsync<int>(await CodesAsync(cancellationToken), definition, null, "count codes", cancellationToken);
        var count = counts.Sum();
        boundaries.RememberCount(query.CacheKey, count);
        return count;
    }

    public async Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        if (take <= 0)
        {
            return [];
        }

        var codes = await CodesAsync(cancellationToken);
        var terms = ordering.Terms.Select(t => (Field: FieldOf(t.Key), t.Descending)).ToArray();
        if (filter.User is not null)
        {
            // One user's codes are few (codes live about a minute): one query for all of them, whole,
            // sorted here. Cosmos loads a document whether a query projects it or not, so reading them
            // whole once is cheaper than a key-only query followed by a ReadMany of the page.
            var all = await QueryAsync<CodeItem>(codes, new CodeQuery(filter).Definition("SELECT * FROM c", null, null), null, "list codes of user", cancellationToken);
            var documents = all.Select(i => i.Code).ToList();
            documents.Sort(ordering);
            return [.. documents.Skip(skip).Take(take)];
        }

        if (!IsIndexed(terms))
        {
            return await ListInMemoryAsync(codes, filter, ordering, terms, skip, take, cancellationToken);
        }

        var query = new CodeQuery(filter);
        var orderBy = " ORDER BY " + string.Join(", ", terms.Select(t => $"c.{t.Field} {(t.Descending ? "DESC" : "ASC")}"));
        var cacheKey = query.CacheKey + "|" + ordering;
        long[]? boundary = null;
        if (skip > 0)
        {
            var (knownSkip, known) = boundaries.Nearest(cacheKey, skip);
            var toSkip = skip - knownSkip;
            if (toSkip == 0)
            {
                boundary = known;
            }
            else
            {
                var select = $"SELECT TOP {toSkip.ToString(CultureInfo.InvariantCulture)} c.pk, c.providerPk, c.userPk, c.expiresKey FROM c";
                var skipped = await QueryAsync<CodeKeys>(codes, query.Definition(select, After(terms, known), orderBy), null, "skip to page", cancellationToken);
                if (skipped.Count < toSkip)
                {
                    return [];
                }

                boundary = [.. terms.Select(t => skipped[^1].Get(t.Field))];
                boundaries.Remember(cacheKey, skip, boundary);
            }
        }

        var page = $"SELECT TOP {take.ToString(CultureInfo.InvariantCulture)} * FROM c";
        var items = await QueryAsync<CodeItem>(codes, query.Definition(page, After(terms, boundary), orderBy), null, "list codes", cancellationToken);
        if (items.Count == take)
        {
            // The next page starts after this one's last row: sequential paging never skips again.
            var last = new CodeKeys { Pk = items[^1].Pk, ProviderPk = items[^1].ProviderPk, UserPk = items[^1].UserPk, ExpiresKey = items[^1].ExpiresKey };
            boundaries.Remember(cacheKey, skip + take, [.. terms.Select(t => last.Get(t.Field))]);
        }

        return [.. items.Select(i => i.Code)];
    }

    /// <summary>An ordering without a composite index: sort the key-only candidate set here, then read the page's documents at once.</summary>
    private async Task<IReadOnlyList<CodeDocument>> ListInMemoryAsync(
        Container codes, CodeFilter filter, CodeOrdering ordering, (string Field, bool Descending)[] terms, int skip, int take, CancellationToken cancellationToken)
    {
        var query = new CodeQuery(filter);
        var keys = await QueryAsync<CodeKeys>(codes, query.Definition("SELECT c.pk, c.providerPk, c.userPk, c.expiresKey FROM c", null, null), null, "list code keys", cancellationToken);
        var pageKeys = keys.Order(new KeyComparer(terms)).Skip(skip).Take(take).ToArray();
        if (pageKeys.Length == 0)
        {
            return [];
        }

        var items = await ReadManyAsync<CodeItem>(codes, [.. pageKeys.Select(k => (Id(k.Pk), new PartitionKey(Id(k.Pk))))], "read code page", cancellationToken);
        var byPk = items.ToDictionary(i => i.Pk);
        var page = pageKeys.Where(k => byPk.ContainsKey(k.Pk)).Select(k => byPk[k.Pk].Code).ToList();
        page.Sort(ordering);
        return page;
    }

    public async Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken) =>
        (await PointReadAsync<CodeItem>(await CodesAsync(cancellationToken), Id(pk), Id(pk), "read code", cancellationToken))?.Code;

    public async Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken)
    {
        var entities = await EntitiesAsync(cancellationToken);
        if (mode == SubjectMode.UserId)
        {
            // The pk's canonical text only ("010" is nobody): one point read.
            return long.TryParse(subject, NumberStyles.None, CultureInfo.InvariantCulture, out var pk) && Id(pk) == subject
                ? await GetUserAsync(pk, cancellationToken)
                : null;
        }

        var definition = new QueryDefinition($"SELECT TOP 2 * FROM c WHERE c.partition = @partition AND c.subjects.{SubjectField(mode)} = @subject")
            .WithParameter("@partition", UserViewPartition)
            .WithParameter("@subject", subject);
        var found = await QueryAsync<UserViewItem>(entities, definition, UserViewPartition, "find user", cancellationToken);
        return found.Count == 1 ? found[0].View : null;
    }

    public async Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken) =>
        await GetUserAsync(pk, cancellationToken) is not null;

    public async Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken) =>
        await GetProviderAsync(pk, cancellationToken) is not null;

    public async Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken)
    {
        var distinct = providerPks.Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return new Dictionary<long, string>();
        }

        var items = await ReadManyAsync<ProviderViewItem>(
            await EntitiesAsync(cancellationToken),
            [.. distinct.Select(pk => (Id(pk), new PartitionKey(ProviderViewPartition)))],
            "read client secrets",
            cancellationToken);
        return items.ToDictionary(i => i.View.Pk, i => i.ClientSecret);
    }

    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            var entities = await EntitiesAsync(cancellationToken);
            await PointReadAsync<RejectedItem>(entities, "reachability-probe", RejectedPartition, "probe", cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is CosmosException or HttpRequestException or InvalidOperationException or TimeoutException)
        {
            LogUnreachable(logger, exception);
            return false;
        }
    }

    // ---- Raw writes ----------------------------------------------------------------------------

    public async Task SaveUserAsync(UserView user, CancellationToken cancellationToken)
    {
        var subjects = Enum.GetValues<SubjectMode>().Where(m => m != SubjectMode.UserId).ToDictionary(SubjectField, user.SubjectOf);
        var item = new UserViewItem { Id = Id(user.Pk), View = user, Subjects = subjects };
        await WriteAsync(await EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(UserViewPartition), NoContent, cancellationToken), "save user");
    }

    public async Task DeleteUserAsync(long pk, CancellationToken cancellationToken) =>
        await DeleteAsync(await EntitiesAsync(cancellationToken), Id(pk), UserViewPartition, "delete user", cancellationToken);

    public async Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken)
    {
        var item = new ProviderViewItem { Id = Id(provider.Pk), View = provider, ClientSecret = clientSecret };
        await WriteAsync(await EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(ProviderViewPartition), NoContent, cancellationToken), "save provider");
    }

    public async Task DeleteProviderAsync(long pk, CancellationToken cancellationToken) =>
        await DeleteAsync(await EntitiesAsync(cancellationToken), Id(pk), ProviderViewPartition, "delete provider", cancellationToken);

    public async Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
    {
        var stored = code with { Expires = code.Expires is { } expires ? DrfDateTime.Normalize(expires) : null };
        var item = new CodeItem
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
        await WriteAsync(await CodesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(item.Id), NoContent, cancellationToken), "save code");
        boundaries.Invalidate();
    }

    public async Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken)
    {
        var deleted = await DeleteAsync(await CodesAsync(cancellationToken), Id(pk), Id(pk), "delete code", cancellationToken);
        boundaries.Invalidate();
        return deleted;
    }

    // ---- Projection support --------------------------------------------------------------------

    public async Task<EntitySnapshot?> GetSnapshotAsync(EntityKey key, CancellationToken cancellationToken)
    {
        var item = await PointReadAsync<SnapshotItem>(await EntitiesAsync(cancellationToken), key.Pk, PartitionOf(key), "read snapshot", cancellationToken);
        return item is null ? null : ToSnapshot(item);
    }

    public async Task<IReadOnlyList<EntitySnapshot>> GetSnapshotsAsync(IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken)
    {
        var distinct = keys.Distinct().ToArray();
        if (distinct.Length == 0)
        {
            return [];
        }

        var items = await ReadManyAsync<SnapshotItem>(
            await EntitiesAsync(cancellationToken), [.. distinct.Select(k => (k.Pk, new PartitionKey(PartitionOf(k))))], "read snapshots", cancellationToken);
        return [.. items.Select(ToSnapshot)];
    }

    public async Task<bool> TryWriteSnapshotAsync(EntitySnapshot snapshot, string? expectedETag, CancellationToken cancellationToken)
    {
        var item = ToItem(snapshot);
        var partition = new PartitionKey(item.Partition);
        var entities = await EntitiesAsync(cancellationToken);
        try
        {
            if (expectedETag is null)
            {
                await WriteAsync(entities, c => c.CreateItemAsync(item, partition, NoContent, cancellationToken), "create snapshot");
            }
            else
            {
                var conditional = new ItemRequestOptions { IfMatchEtag = expectedETag, EnableContentResponseOnWrite = false };
                await WriteAsync(entities, c => c.ReplaceItemAsync(item, item.Id, partition, conditional, cancellationToken), "replace snapshot");
            }

            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<CodeState>> GetLiveCodesOfUserAsync(long userPk, CancellationToken cancellationToken) =>
        await LiveCodesAsync("c.code.user", userPk, cancellationToken);

    public async Task<IReadOnlyList<CodeState>> GetLiveCodesOfProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        await LiveCodesAsync("c.code.provider", providerPk, cancellationToken);

    /// <summary>Code snapshots live in one partition each (point writes on the hot path), so this look-up is cross-partition; it runs only on user and provider changes.</summary>
    private async Task<IReadOnlyList<CodeState>> LiveCodesAsync(string path, long pk, CancellationToken cancellationToken)
    {
        var definition = new QueryDefinition($"SELECT * FROM c WHERE c.kind = @kind AND c.deleted = false AND {path} = @pk")
            .WithParameter("@kind", KindName(EntityKind.AuthorizationCode))
            .WithParameter("@pk", pk);
        var items = await QueryAsync<SnapshotItem>(await EntitiesAsync(cancellationToken), definition, null, "live codes", cancellationToken);
        return [.. items.Where(i => i.Code is not null).Select(i => i.Code!).OrderBy(c => c.Pk)];
    }

    public async Task<IReadOnlyList<UserState>> GetLiveUsersInGroupsAsync(IReadOnlyCollection<Guid> groupPks, CancellationToken cancellationToken)
    {
        var entities = await EntitiesAsync(cancellationToken);
        var found = new Dictionary<long, UserState>();
        foreach (var chunk in groupPks.Distinct().Chunk(50))
        {
            var sql = new StringBuilder("SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND (");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : " OR ").Append(CultureInfo.InvariantCulture, $"ARRAY_CONTAINS(c.user.groups, @g{i})");
            }

            var definition = new QueryDefinition(sql.Append(')').ToString()).WithParameter("@partition", KindName(EntityKind.User));
            for (var i = 0; i < chunk.Length; i++)
            {
                definition = definition.WithParameter($"@g{i}", chunk[i].ToString("D"));
            }

            foreach (var item in await QueryAsync<SnapshotItem>(entities, definition, KindName(EntityKind.User), "users in groups", cancellationToken))
            {
                if (item.User is { } user)
                {
                    found[user.Pk] = user;
                }
            }
        }

        return [.. found.Values.OrderBy(u => u.Pk)];
    }

    public async Task<IReadOnlyList<GroupState>> GetLiveChildGroupsAsync(Guid parentPk, CancellationToken cancellationToken)
    {
        var partition = KindName(EntityKind.Group);
        var definition = new QueryDefinition("SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND c.group.parent = @parent")
            .WithParameter("@partition", partition)
            .WithParameter("@parent", parentPk.ToString("D"));
        var items = await QueryAsync<SnapshotItem>(await EntitiesAsync(cancellationToken), definition, partition, "child groups", cancellationToken);
        return [.. items.Where(i => i.Group is not null).Select(i => i.Group!)];
    }

    public async Task<IReadOnlyList<ApplicationState>> GetLiveApplicationsClaimingProviderAsync(long providerPk, CancellationToken cancellationToken)
    {
        var partition = KindName(EntityKind.Application);
        var definition = new QueryDefinition(
                "SELECT * FROM c WHERE c.partition = @partition AND c.deleted = false AND (c.application.provider = @provider OR ARRAY_CONTAINS(c.application.backchannelProviders, @provider))")
            .WithParameter("@partition", partition)
            .WithParameter("@provider", providerPk);
        var items = await QueryAsync<SnapshotItem>(await EntitiesAsync(cancellationToken), definition, partition, "applications claiming provider", cancellationToken);
        return [.. items.Where(i => i.Application is not null).Select(i => i.Application!)];
    }

    public async Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken) =>
        (await PointReadAsync<UserViewItem>(await EntitiesAsync(cancellationToken), Id(pk), UserViewPartition, "read user", cancellationToken))?.View;

    public async Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken) =>
        (await PointReadAsync<ProviderViewItem>(await EntitiesAsync(cancellationToken), Id(pk), ProviderViewPartition, "read provider", cancellationToken))?.View;

    // ---- Rejected events -------------------------------------------------------------------------

    public async Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken)
    {
        var item = new RejectedItem
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
        };
        await WriteAsync(await EntitiesAsync(cancellationToken), c => c.UpsertItemAsync(item, new PartitionKey(RejectedPartition), NoContent, cancellationToken), "record rejected event");
    }

    public async Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        var definition = new QueryDefinition(
                $"SELECT TOP {max.ToString(CultureInfo.InvariantCulture)} * FROM c WHERE c.partition = @partition ORDER BY c.rejectedAtMicros DESC, c.recordId ASC")
            .WithParameter("@partition", RejectedPartition);
        var items = await QueryAsync<RejectedItem>(await EntitiesAsync(cancellationToken), definition, RejectedPartition, "list rejected events", cancellationToken);
        return [.. items.Select(ToRejected)];
    }

    public async Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken)
    {
        var item = await PointReadAsync<RejectedItem>(await EntitiesAsync(cancellationToken), RejectedId(recordId), RejectedPartition, "read rejected event", cancellationToken);
        return item is null ? null : ToRejected(item);
    }

    public async Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken) =>
        await DeleteAsync(await EntitiesAsync(cancellationToken), RejectedId(recordId), RejectedPartition, "delete rejected event", cancellationToken);

    // ---- Mapping ------------------------------------------------------------------------------------

    private SnapshotItem ToItem(EntitySnapshot snapshot)
    {
        var live = snapshot.Stamp.Deleted ? null : snapshot.State;
        var key = snapshot.Key;
        int? ttl = snapshot.ExpiresAt is { } at
            ? TtlUntil(at)
            : live is null ? Seconds(options.TombstoneRetention) : null;
        return new SnapshotItem
        {
            Id = key.Pk,
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
        };
    }

    private static EntitySnapshot ToSnapshot(SnapshotItem item)
    {
        var kind = KindOf(item.Kind);
        EntityState? state = item.Code ?? item.User ?? item.Group ?? item.Provider ?? (EntityState?)item.Application;
        return new EntitySnapshot(
            new EntityKey(kind, item.Id),
            new EventStamp(ulong.Parse(item.Version, NumberStyles.None, CultureInfo.InvariantCulture), item.Deleted, item.EventId),
            state,
            item.ExpiresAt,
            item.ETag);
    }

    private static RejectedEvent ToRejected(RejectedItem item) =>
        new(item.RecordId, item.EventId, item.Type, item.Subject, item.Reason, item.RejectedAt, item.Body);

    /// <summary>Item <c>ttl</c> in seconds until <paramref name="until"/>: at least 1 (0 is invalid and would mean "never" to nobody); null keeps the item.</summary>
    private int? TtlUntil(DateTimeOffset? until) =>
        until is { } at ? Seconds(at - time.GetUtcNow()) : null;

    internal static int Seconds(TimeSpan span) =>
        (int)Math.Clamp(Math.Ceiling(span.TotalSeconds), 1, int.MaxValue);

    internal static string PartitionOf(EntityKey key) =>
        key.Kind == EntityKind.AuthorizationCode ? $"code/{key.Pk}" : KindName(key.Kind);

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

    private static string SubjectField(SubjectMode mode) => mode switch
    {
        SubjectMode.HashedUserId => "hashedUserId",
        SubjectMode.UserId => "userId",
        SubjectMode.UserUuid => "userUuid",
        SubjectMode.UserUsername => "userUsername",
        SubjectMode.UserEmail => "userEmail",
        SubjectMode.UserUpn => "userUpn",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Cosmos ids may not contain '/', '\', '?' or '#': record ids are stored escaped (the original is kept in <c>recordId</c>).</summary>
    internal static string RejectedId(string recordId) => Uri.EscapeDataString(recordId);

    private static string Id(long pk) => pk.ToString(CultureInfo.InvariantCulture);

    private static string FieldOf(CodeSortKey key) => key switch
    {
        CodeSortKey.Pk => "pk",
        CodeSortKey.Provider => "providerPk",
        CodeSortKey.User => "userPk",
        CodeSortKey.Expires => "expiresKey",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>Orderings the container's composite indexes serve (one field alone needs none).</summary>
    internal static bool IsIndexed((string Field, bool Descending)[] terms) =>
        terms.Length == 1
        || CosmosContainerDefinition.CodeCompositeIndexes.Any(c => c.SequenceEqual(terms));

    /// <summary>The keyset predicate "strictly after <paramref name="boundary"/> in this ordering" (pk makes it exact).</summary>
    private static (string Sql, long[] Values)? After((string Field, bool Descending)[] terms, long[]? boundary)
    {
        if (boundary is null)
        {
            return null;
        }

        var disjuncts = new List<string>();
        for (var i = 0; i < terms.Length; i++)
        {
            var conjuncts = Enumerable.Range(0, i).Select(j => $"c.{terms[j].Field} = @b{j}").ToList();
            conjuncts.Add($"c.{terms[i].Field} {(terms[i].Descending ? "<" : ">")} @b{i}");
            disjuncts.Add("(" + string.Join(" AND ", conjuncts) + ")");
        }

        return ("(" + string.Join(" OR ", disjuncts) + ")", boundary);
    }

    private sealed class KeyComparer((string Field, bool Descending)[] terms) : IComparer<CodeKeys>
    {
        public int Compare(CodeKeys? x, CodeKeys? y)
        {
            foreach (var (field, descending) in terms)
            {
                var result = x!.Get(field).CompareTo(y!.Get(field));
                if (result != 0)
                {
                    return descending ? -result : result;
                }
            }

            return 0;
        }
    }

    /// <summary>The WHERE clause of a code filter, parameterised; search terms become CONTAINS over the lower-cased search text.</summary>
    private sealed class CodeQuery(CodeFilter filter)
    {
        public string CacheKey { get; } =
            $"u={filter.User}|p={filter.Provider}|s={string.Join('\u001f', filter.SearchTerms ?? [])}";

        public QueryDefinition Definition(string select, (string Sql, long[] Values)? after, string? orderBy)
        {
            var conditions = new List<string>();
            if (filter.User is not null)
            {
                conditions.Add("c.userPk = @user");
            }

            if (filter.Provider is not null)
            {
                conditions.Add("c.providerPk = @provider");
            }

            var terms = filter.SearchTerms ?? [];
            for (var i = 0; i < terms.Count; i++)
            {
                conditions.Add($"CONTAINS(c.search, @term{i})");
            }

            if (after is { } keyset)
            {
                conditions.Add(keyset.Sql);
            }

            var sql = select + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions)) + (orderBy ?? "");
            var definition = new QueryDefinition(sql);
            if (filter.User is { } user)
            {
                definition = definition.WithParameter("@user", user);
            }

            if (filter.Provider is { } provider)
            {
                definition = definition.WithParameter("@provider", provider);
            }

            for (var i = 0; i < terms.Count; i++)
            {
                definition = definition.WithParameter($"@term{i}", terms[i]);
            }

            if (after is { } values)
            {
                for (var i = 0; i < values.Values.Length; i++)
                {
                    definition = definition.WithParameter($"@b{i}", values.Values[i]);
                }
            }

            return definition;
        }
    }

    // ---- Calls, with diagnostics for slow or failed ones -----------------------------------------

    private ValueTask<Container> CodesAsync(CancellationToken cancellationToken) => containers.CodesAsync(cancellationToken);

    private ValueTask<Container> EntitiesAsync(CancellationToken cancellationToken) => containers.EntitiesAsync(cancellationToken);

    private async Task<T?> PointReadAsync<T>(Container container, string id, string partition, string operation, CancellationToken cancellationToken)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await container.ReadItemAsync<T>(id, new PartitionKey(partition), cancellationToken: cancellationToken);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
            return response.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (CosmosException e)
        {
            LogFailed(logger, operation, (int)e.StatusCode, e.Diagnostics?.ToString());
            throw;
        }
    }

    private async Task WriteAsync<T>(Container container, Func<Container, Task<ItemResponse<T>>> write, string operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await write(container);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw; // an expected outcome of a conditional write (or a replace of a vanished item): the caller decides
        }
        catch (CosmosException e)
        {
            LogFailed(logger, operation, (int)e.StatusCode, e.Diagnostics?.ToString());
            throw;
        }
    }

    /// <summary>Deletes an item; false when it was missing (404).</summary>
    private async Task<bool> DeleteAsync(Container container, string id, string partition, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ResponseMessage response;
        try
        {
            response = await container.DeleteItemStreamAsync(id, new PartitionKey(partition), cancellationToken: cancellationToken);
        }
        catch (CosmosException e)
        {
            LogFailed(logger, operation, (int)e.StatusCode, e.Diagnostics?.ToString());
            throw;
        }

        using (response)
        {
            // A missing item is already deleted (idempotent deletes); anything else but success is a failure.
            if (response.StatusCode != HttpStatusCode.NotFound && !response.IsSuccessStatusCode)
            {
                LogFailed(logger, operation, (int)response.StatusCode, response.Diagnostics?.ToString());
                response.EnsureSuccessStatusCode();
            }

            Observe(operation, started, response.Diagnostics, response.Headers.RequestCharge);
            return response.StatusCode != HttpStatusCode.NotFound;
        }
    }

    private async Task<List<T>> QueryAsync<T>(Container container, QueryDefinition definition, string? partition, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var requestOptions = partition is null ? null : new QueryRequestOptions { PartitionKey = new PartitionKey(partition) };
        var results = new List<T>();
        double charge = 0;
        CosmosDiagnostics? last = null;
        try
        {
            using var iterator = container.GetItemQueryIterator<T>(definition, requestOptions: requestOptions);
            while (iterator.HasMoreResults)
            {
                var page = await iterator.ReadNextAsync(cancellationToken);
                results.AddRange(page);
                charge += page.RequestCharge;
                last = page.Diagnostics;
            }
        }
        catch (CosmosException e)
        {
            LogFailed(logger, operation, (int)e.StatusCode, e.Diagnostics?.ToString());
            throw;
        }

        Observe(operation, started, last, charge);
        return results;
    }

    private async Task<IReadOnlyList<T>> ReadManyAsync<T>(Container container, IReadOnlyList<(string Id, PartitionKey Partition)> items, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await container.ReadManyItemsAsync<T>(items, cancellationToken: cancellationToken);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
            return [.. response];
        }
        catch (CosmosException e)
        {
            LogFailed(logger, operation, (int)e.StatusCode, e.Diagnostics?.ToString());
            throw;
        }
    }

    private void Observe(string operation, long started, CosmosDiagnostics? diagnostics, double requestCharge)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed >= options.SlowRequestThreshold)
        {
            LogSlow(logger, operation, elapsed.TotalMilliseconds, requestCharge, diagnostics?.ToString());
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cosmos {Operation} took {ElapsedMs:F0} ms ({RequestCharge} RU). Diagnostics: {Diagnostics}")]
    private static partial void LogSlow(ILogger logger, string operation, double elapsedMs, double requestCharge, string? diagnostics);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Cosmos {Operation} failed with status {StatusCode}. Diagnostics: {Diagnostics}")]
    private static partial void LogFailed(ILogger logger, string operation, int statusCode, string? diagnostics);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Cosmos DB is not reachable.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
