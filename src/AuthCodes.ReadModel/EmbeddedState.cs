using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// The embedded store's one state, shared by its port types: the items, the indexes the look-ups
/// need, and expiry. Every access runs under one lock after forgetting what has expired.
/// </summary>
internal sealed class EmbeddedState(TimeProvider clock)
{
    private readonly Lock gate = new();
    private readonly PriorityQueue<EntityKey, DateTimeOffset> expiring = new();
    private long etagCounter;

    public EmbeddedCodeIndex Codes { get; } = new();

    /// <summary>Codes forgotten with their snapshot: a save that arrives after stays unlisted (Cosmos: the item's own ttl).</summary>
    public HashSet<long> ForgottenCodes { get; } = [];

    public Dictionary<long, UserView> Users { get; } = [];

    public Dictionary<long, (ProviderView Provider, string ClientSecret)> Providers { get; } = [];

    public Dictionary<EntityKey, EntitySnapshot> Snapshots { get; } = [];

    public Dictionary<long, HashSet<long>> CodesByUser { get; } = [];

    public Dictionary<long, HashSet<long>> CodesByProvider { get; } = [];

    public Dictionary<string, RejectedEvent> RejectedEvents { get; } = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="read"/> under the lock, on a state without expired items.</summary>
    public Task<T> Locked<T>(Func<T> read)
    {
        lock (gate)
        {
            ForgetExpired();
            return Task.FromResult(read());
        }
    }

    /// <summary>Runs <paramref name="write"/> under the lock, on a state without expired items.</summary>
    public Task Locked(Action write)
    {
        lock (gate)
        {
            ForgetExpired();
            write();
        }

        return Task.CompletedTask;
    }

    /// <summary>A new ETag; the caller holds the lock.</summary>
    public string NextETag() => $"\"{++etagCounter}\"";

    /// <summary>Remembers when the snapshot of <paramref name="key"/> may be forgotten; the caller holds the lock.</summary>
    public void ExpireAt(EntityKey key, DateTimeOffset expiresAt) => expiring.Enqueue(key, expiresAt);

    /// <summary>Drops snapshots (and code documents) whose expiry has passed; the caller holds the lock.</summary>
    private void ForgetExpired()
    {
        var now = clock.GetUtcNow();
        while (expiring.TryPeek(out var key, out var expiresAt) && expiresAt <= now)
        {
            expiring.Dequeue();
            if (Snapshots.GetValueOrDefault(key) is not { ExpiresAt: { } current } snapshot || current > now)
            {
                continue; // Rewritten since with a later expiry (queued again), or gone already.
            }

            Snapshots.Remove(key);
            if (snapshot.State is CodeState code)
            {
                UnindexCode(code);
                Codes.Remove(code.Pk);
                ForgottenCodes.Add(code.Pk);
            }
        }
    }

    public void IndexCode(CodeState code)
    {
        Index(CodesByUser, code.User, code.Pk);
        Index(CodesByProvider, code.Provider, code.Pk);
    }

    public void UnindexCode(CodeState code)
    {
        Unindex(CodesByUser, code.User, code.Pk);
        Unindex(CodesByProvider, code.Provider, code.Pk);
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
    public static JsonElement Detach(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? element : element.Clone();
}
