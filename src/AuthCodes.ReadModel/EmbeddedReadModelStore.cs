using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// The in-process store: the local host's default and the fast test store. It keeps the same
/// semantics as the Cosmos store (the conformance suite holds both to them), including expiry:
/// a snapshot with <see cref="EntitySnapshot.ExpiresAt"/> (a code, expiry plus grace) is forgotten,
/// with its code document, once that time has passed, as Cosmos forgets an item after its ttl.
/// </summary>
/// <param name="time">The clock that decides expiry (tests pass the projector's).</param>
public sealed class EmbeddedReadModelStore(TimeProvider? time = null) : IReadModelStore
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly Lock gate = new();
    private readonly PriorityQueue<EntityKey, DateTimeOffset> expiring = new();
    private readonly HashSet<long> forgottenCodes = [];
    private readonly Dictionary<long, CodeDocument> codes = [];
    private readonly Dictionary<long, UserView> users = [];
    private readonly Dictionary<long, (ProviderView Provider, string ClientSecret)> providers = [];
    private readonly Dictionary<EntityKey, EntitySnapshot> snapshots = [];
    private readonly Dictionary<long, HashSet<long>> codesByUser = [];
    private readonly Dictionary<long, HashSet<long>> codesByProvider = [];
    private readonly Dictionary<string, RejectedEvent> rejectedEvents = new(StringComparer.Ordinal);
    private long etagCounter;

    public Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(codes.Values.Count(filter.Matches));
        }
    }

    public Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken)
    {
        CodeDocument[] matching;
        lock (gate)
        {
            ForgetExpired();
            matching = codes.Values.Where(filter.Matches).ToArray();
        }

        Array.Sort(matching, ordering);
        return Task.FromResult<IReadOnlyList<CodeDocument>>(matching.Skip(skip).Take(take).ToArray());
    }

    public Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(codes.GetValueOrDefault(pk));
        }
    }

    public Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            var matches = users.Values.Where(user => user.SubjectOf(mode) == subject).Take(2).ToArray();
            return Task.FromResult(matches.Length == 1 ? matches[0] : null);
        }
    }

    public Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(users.ContainsKey(pk));
        }
    }

    public Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(providers.ContainsKey(pk));
        }
    }

    public Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            IReadOnlyDictionary<long, string> secrets = providerPks
                .Where(providers.ContainsKey)
                .Distinct()
                .ToDictionary(pk => pk, pk => providers[pk].ClientSecret);
            return Task.FromResult(secrets);
        }
    }

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task SaveUserAsync(UserView user, CancellationToken cancellationToken)
    {
        var stored = user with { Attributes = Detach(user.Attributes) };
        lock (gate)
        {
            ForgetExpired();
            users[user.Pk] = stored;
        }

        return Task.CompletedTask;
    }

    public Task DeleteUserAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            users.Remove(pk);
        }

        return Task.CompletedTask;
    }

    public Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            providers[provider.Pk] = (provider, clientSecret);
        }

        return Task.CompletedTask;
    }

    public Task DeleteProviderAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            providers.Remove(pk);
        }

        return Task.CompletedTask;
    }

    public Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
    {
        var stored = code with
        {
            Expires = code.Expires is { } expires ? DrfDateTime.Normalize(expires) : null,
            User = code.User with
            {
                Attributes = Detach(code.User.Attributes),
                GroupsObj = [.. code.User.GroupsObj.Select(g => g with { Attributes = Detach(g.Attributes) })],
            },
        };
        lock (gate)
        {
            ForgetExpired();
            if (!forgottenCodes.Contains(code.Pk))
            {
                // A code forgotten between its snapshot write and this save stays forgotten (Cosmos: the item's own ttl).
                codes[code.Pk] = stored;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(codes.Remove(pk));
        }
    }

    public Task<EntitySnapshot?> GetSnapshotAsync(EntityKey key, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(snapshots.GetValueOrDefault(key));
        }
    }

    public Task<IReadOnlyList<EntitySnapshot>> GetSnapshotsAsync(IReadOnlyCollection<EntityKey> keys, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            IReadOnlyList<EntitySnapshot> found = [.. keys.Distinct().Select(snapshots.GetValueOrDefault).OfType<EntitySnapshot>()];
            return Task.FromResult(found);
        }
    }

    public Task<bool> TryWriteSnapshotAsync(EntitySnapshot snapshot, string? expectedETag, CancellationToken cancellationToken)
    {
        var state = snapshot.State switch
        {
            UserState user => user with { Attributes = Detach(user.Attributes) },
            GroupState group => group with { Attributes = Detach(group.Attributes) },
            var other => other,
        };
        lock (gate)
        {
            ForgetExpired();
            var current = snapshots.GetValueOrDefault(snapshot.Key);
            if (current?.ETag != expectedETag)
            {
                return Task.FromResult(false);
            }

            if (current?.State is CodeState previous)
            {
                Unindex(codesByUser, previous.User, previous.Pk);
                Unindex(codesByProvider, previous.Provider, previous.Pk);
            }

            if (state is CodeState code)
            {
                Index(codesByUser, code.User, code.Pk);
                Index(codesByProvider, code.Provider, code.Pk);
            }

            etagCounter++;
            snapshots[snapshot.Key] = snapshot with { State = state, ETag = $"\"{etagCounter}\"" };
            if (snapshot.ExpiresAt is { } expiresAt)
            {
                expiring.Enqueue(snapshot.Key, expiresAt);
            }

            if (state is CodeState written)
            {
                forgottenCodes.Remove(written.Pk);
            }
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<CodeState>> GetLiveCodesOfUserAsync(long userPk, CancellationToken cancellationToken) =>
        LiveCodesIn(codesByUser, userPk);

    public Task<IReadOnlyList<CodeState>> GetLiveCodesOfProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        LiveCodesIn(codesByProvider, providerPk);

    public Task<IReadOnlyList<UserState>> GetLiveUsersInGroupsAsync(IReadOnlyCollection<Guid> groupPks, CancellationToken cancellationToken) =>
        LiveStates<UserState>(user => user.Groups.Any(groupPks.Contains));

    public Task<IReadOnlyList<GroupState>> GetLiveChildGroupsAsync(Guid parentPk, CancellationToken cancellationToken) =>
        LiveStates<GroupState>(group => group.Parent == parentPk);

    public Task<IReadOnlyList<ApplicationState>> GetLiveApplicationsClaimingProviderAsync(long providerPk, CancellationToken cancellationToken) =>
        LiveStates<ApplicationState>(application => application.Provider == providerPk || application.BackchannelProviders.Contains(providerPk));

    public Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(users.GetValueOrDefault(pk));
        }
    }

    public Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(providers.TryGetValue(pk, out var provider) ? provider.Provider : null);
        }
    }

    private Task<IReadOnlyList<CodeState>> LiveCodesIn(Dictionary<long, HashSet<long>> index, long pk)
    {
        lock (gate)
        {
            ForgetExpired();
            IReadOnlyList<CodeState> found = index.TryGetValue(pk, out var codePks)
                ? [.. codePks.Order().Select(code => snapshots[EntityKey.Code(code)]).Where(s => s.IsLive).Select(s => (CodeState)s.State!)]
                : [];
            return Task.FromResult(found);
        }
    }

    public Task RecordRejectedEventAsync(RejectedEvent rejected, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            rejectedEvents[rejected.RecordId] = rejected;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RejectedEvent>> ListRejectedEventsAsync(int max, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            IReadOnlyList<RejectedEvent> newestFirst =
                [.. rejectedEvents.Values.OrderByDescending(r => r.RejectedAt).ThenBy(r => r.RecordId, StringComparer.Ordinal).Take(max)];
            return Task.FromResult(newestFirst);
        }
    }

    public Task<RejectedEvent?> GetRejectedEventAsync(string recordId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(rejectedEvents.GetValueOrDefault(recordId));
        }
    }

    public Task DeleteRejectedEventAsync(string recordId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            ForgetExpired();
            rejectedEvents.Remove(recordId);
        }

        return Task.CompletedTask;
    }

    private Task<IReadOnlyList<T>> LiveStates<T>(Func<T, bool> predicate)
        where T : EntityState
    {
        lock (gate)
        {
            ForgetExpired();
            IReadOnlyList<T> found = [.. snapshots.Values.Where(s => s.IsLive).Select(s => s.State).OfType<T>().Where(predicate)];
            return Task.FromResult(found);
        }
    }

    /// <summary>Drops snapshots (and code documents) whose expiry has passed; the caller holds the lock.</summary>
    private void ForgetExpired()
    {
        var now = clock.GetUtcNow();
        while (expiring.TryPeek(out var key, out var expiresAt) && expiresAt <= now)
        {
            expiring.Dequeue();
            if (snapshots.GetValueOrDefault(key) is not { ExpiresAt: { } current } snapshot || current > now)
            {
                continue; // Rewritten since with a later expiry (queued again), or gone already.
            }

            snapshots.Remove(key);
            if (snapshot.State is CodeState code)
            {
                Unindex(codesByUser, code.User, code.Pk);
                Unindex(codesByProvider, code.Provider, code.Pk);
                codes.Remove(code.Pk);
                forgottenCodes.Add(code.Pk);
            }
        }
    }

    private static void Index(Dictionary<long, HashSet<long>> index, long key, long codePk)
    {
        if (!index.TryGetValue(key, out var set))
        {
            index[key] = set = [];
        }

        set.Add(codePk);
    }

    private static void Unindex(Dictionary<long, HashSet<long>> index, long key, long codePk)
    {
        if (index.TryGetValue(key, out var set) && set.Remove(codePk) && set.Count == 0)
        {
            index.Remove(key);
        }
    }

    /// <summary>Stored JSON must not depend on a caller's <see cref="JsonDocument"/> staying alive.</summary>
    private static JsonElement Detach(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? element : element.Clone();
}
