using System.Collections.Concurrent;
using System.Text.Json;
using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>
/// Applies change events to the read model through its snapshots (<see cref="ISnapshotStore"/>) and the
/// items derived from them (<see cref="IViewStore"/>), so that any
/// interleaving or duplication of one set of events yields the same model.
/// <list type="number">
/// <item>Per entity, the snapshot's <see cref="EventStamp"/> decides: an event below it is
/// ignored and writes nothing (Propulsion: the source version is stored next to the data). Deletes
/// keep a tombstone stamp. An event equal to it (a redelivery) is ignored too but derives again: a
/// failure may have interrupted its first delivery after the snapshot write.</item>
/// <item>The snapshot write is conditional on the ETag read (optimistic concurrency); a lost race
/// re-reads and re-decides, and after <see cref="ProjectionOptions.MaxSnapshotWriteAttempts"/> the
/// <see cref="SnapshotConflictException"/> propagates, so the message is redelivered.</item>
/// <item>Every derived item is then recomputed from snapshots alone, never patched from the event:
/// user views (groups, <c>groups_obj</c>, <c>is_superuser</c>), provider views (assigned
/// applications) and code documents. A change re-derives everything that depends on it
/// (fan-out), so the result is a function of the snapshots, whatever the arrival order.</item>
/// <item>Listed means joined: a code document exists exactly while the code, its user and its
/// provider are live. Nothing is cascaded physically; a code's snapshot stays until its own
/// delete or its expiry plus the grace period, so it is re-listed when its user or provider returns.</item>
/// <item>Derived writes settle, since several instances run over one store: after writing, the
/// projector derives the same items again from fresh reads and rewrites what differs, until nothing
/// does (bounded like snapshot writes). The instance that changes an input re-derives its dependants
/// after its own write, so the last write of every view and code document has checked its inputs
/// after any other instance's change of them. The checking round costs, when nothing changed: for a
/// code event its snapshot, user view and provider view (3 point reads); for a user its snapshot,
/// one ReadMany of its groups, the codes-of-user query and one view read per distinct provider; for a
/// provider its snapshot, the applications query, the codes-of-provider query and one view read per
/// distinct user; group and application events that per member or provider. A code written earlier
/// that the query no longer returns (deleted or moved meanwhile) adds one read of its snapshot.</item>
/// </list>
/// Calls on one instance may run concurrently: it keeps no state between calls (every cache lives
/// for one settling round of one call), so two calls in one instance are two instances of the settle
/// argument above.
/// </summary>
public sealed class Projector
{
    /// <summary>authentik's parent walk: a direct group is depth 1; the walk stops after this depth.</summary>
    public const int MaxGroupDepth = 20;

    private readonly ISnapshotStore snapshots;
    private readonly IViewStore views;
    private readonly TimeProvider time;
    private readonly ProjectionOptions options;

    public Projector(ISnapshotStore snapshots, IViewStore views, TimeProvider time, ProjectionOptions? options = null)
    {
        this.snapshots = snapshots;
        this.views = views;
        this.time = time;
        this.options = options ?? new ProjectionOptions();
    }

    /// <summary>Applies a parsed event; a rejection passes through as a <see cref="OutcomeKind.Rejected"/> outcome.</summary>
    public Task<ProjectionOutcome> ApplyAsync(ParsedEvent parsed, CancellationToken cancellationToken) =>
        parsed.Event is { } e ? ApplyAsync(e, cancellationToken) : Task.FromResult(ProjectionOutcome.Rejected(parsed.Rejection!));

    public async Task<ProjectionOutcome> ApplyAsync(ChangeEvent e, CancellationToken cancellationToken)
    {
        if (e.State is CodeState { Expires: { } expires } && expires < time.GetUtcNow() - options.CodeGracePeriod)
        {
            return ProjectionOutcome.Ignored(e, "The code expired before now minus the grace period.");
        }

        var (recorded, ignored) = await RecordAsync(e, cancellationToken);
        if (recorded is not null)
        {
            await DeriveAsync(e, recorded, cancellationToken);
        }

        return ignored is null ? ProjectionOutcome.Applied(e) : ProjectionOutcome.Ignored(e, ignored);
    }

    /// <summary>
    /// Writes the event's snapshot if it beats the stored one. Returns the snapshot this delivery derives
    /// from (null for a stale event) and, unless it wrote it, why the event is ignored: an exact duplicate
    /// derives again, since a failure may have interrupted the derivation of its first delivery.
    /// </summary>
    private async Task<(EntitySnapshot? Recorded, string? Ignored)> RecordAsync(ChangeEvent e, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await snapshots.GetSnapshotAsync(e.Key, cancellationToken);
            if (current is not null)
            {
                var comparison = e.Stamp.CompareTo(current.Stamp);
                if (comparison == 0)
                {
                    return (current, "Duplicate: this event is already applied.");
                }

                if (comparison < 0)
                {
                    return (null, $"Stale: version {current.Stamp.Version} ({(current.Stamp.Deleted ? "deleted" : "saved")}, id {current.Stamp.EventId}) is already applied.");
                }
            }

            var state = e.Deleted ? null : e.State;
            var snapshot = new EntitySnapshot(e.Key, e.Stamp, state, ForgetAt(e, current)) { ReleasedProviders = Released(current, state) };
            if (await snapshots.TryWriteSnapshotAsync(snapshot, current?.ETag, cancellationToken))
            {
                return (snapshot, null);
            }

            if (attempt >= options.MaxSnapshotWriteAttempts)
            {
                throw new SnapshotConflictException(e.Key);
            }
        }
    }

    /// <summary>
    /// The providers an application's new snapshot must remember: those the replaced state claimed and those
    /// the replaced snapshot still owed (its derivation may have been interrupted), less those the new state claims.
    /// </summary>
    private static long[] Released(EntitySnapshot? current, EntityState? state) =>
        current is null ? [] : [.. ClaimedProviders(current.State).Union(current.ReleasedProviders).Except(ClaimedProviders(state)).Order()];

    /// <summary>
    /// When the store may forget the snapshot: a code's expiry plus the grace period; a code's tombstone
    /// likewise from the expiry of the code it deletes (when known). Null keeps it for the retention
    /// period (other entities, and a delete that arrived before its code).
    /// </summary>
    private DateTimeOffset? ForgetAt(ChangeEvent e, EntitySnapshot? current)
    {
        var code = e.Deleted ? current?.State as CodeState : e.State as CodeState;
        return code?.Expires is { } expires ? expires + options.CodeGracePeriod : null;
    }

    private async Task DeriveAsync(ChangeEvent e, EntitySnapshot recorded, CancellationToken cancellationToken)
    {
        var roots = e.Key.Kind switch
        {
            EntityKind.AuthorizationCode => new FanOut { Codes = [e.Key.IntegerPk] },
            EntityKind.User => new FanOut { Users = [e.Key.IntegerPk] },
            EntityKind.Group => new FanOut { Users = await GetGroupMembersAsync(e.Key.UuidPk, cancellationToken) },
            EntityKind.Provider => new FanOut { Providers = [e.Key.IntegerPk] },
            EntityKind.Application => new FanOut { Providers = [.. ClaimedProviders(recorded.State).Union(recorded.ReleasedProviders).Order()] },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.Key.Kind, "Not an entity kind of the contract."),
        };
        await SettleAsync(e.Key, roots, cancellationToken);
        await ForgetReleasedAsync(recorded, cancellationToken);
    }

    /// <summary>
    /// Empties the released providers of a snapshot whose derivation completed (one read and one conditional
    /// write, for application events that released a provider only). A newer snapshot keeps its own.
    /// </summary>
    private async Task ForgetReleasedAsync(EntitySnapshot recorded, CancellationToken cancellationToken)
    {
        if (recorded.ReleasedProviders.Count > 0
            && await snapshots.GetSnapshotAsync(recorded.Key, cancellationToken) is { } current
            && current.Stamp == recorded.Stamp
            && current.ReleasedProviders.Count > 0)
        {
            await snapshots.TryWriteSnapshotAsync(current with { ReleasedProviders = [] }, current.ETag, cancellationToken);
        }
    }

    /// <summary>The providers an application's state claims: their views name it.</summary>
    private static IEnumerable<long> ClaimedProviders(EntityState? state) =>
        state is not ApplicationState application ? []
        : application.Provider is { } provider ? application.BackchannelProviders.Append(provider)
        : application.BackchannelProviders;

    /// <summary>Members of the group and of every group below it (live children, cycle-safe).</summary>
    private async Task<long[]> GetGroupMembersAsync(Guid groupPk, CancellationToken cancellationToken)
    {
        var affected = new HashSet<Guid> { groupPk };
        var pending = new Queue<Guid>([groupPk]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in await snapshots.GetLiveChildGroupsAsync(parent, cancellationToken))
            {
                if (affected.Add(child.Pk))
                {
                    pending.Enqueue(child.Pk);
                }
            }
        }

        return [.. (await snapshots.GetLiveUsersInGroupsAsync(affected, cancellationToken)).Select(u => u.Pk).Order()];
    }

    /// <summary>
    /// Writes what the event changes, then settles it: a round re-derives the same items from fresh reads
    /// and rewrites those that differ from what this event wrote, until a round writes nothing. Another
    /// instance may change an input (a snapshot, or a view this derivation read) between this instance's
    /// read and write; that instance re-derives everything depending on its input after its own write,
    /// so whichever of the two writes last has checked its inputs after the other's change. After
    /// <see cref="ProjectionOptions.MaxSnapshotWriteAttempts"/> rounds that still differ the
    /// <see cref="SnapshotConflictException"/> propagates and the message is redelivered.
    /// </summary>
    private async Task SettleAsync(EntityKey subject, FanOut roots, CancellationToken cancellationToken)
    {
        var written = new Written();
        for (var round = 1; await WriteChangedAsync(roots, written, cancellationToken); round++)
        {
            if (round > options.MaxSnapshotWriteAttempts)
            {
                throw new SnapshotConflictException(subject);
            }
        }
    }

    /// <summary>
    /// One round: the roots' views and the codes that depend on them, derived from fresh reads; writes
    /// what differs from the last write of this event (everything in the first round). Returns whether it wrote.
    /// <para>
    /// A root's codes are those its query returns after its view is written; when a later round leaves the
    /// view unchanged, a code the query returns only now was recorded after that write, so its own
    /// event lists it from the current view. A code written earlier that no query returns any more was
    /// deleted or moved to another user or provider: its snapshot is read again.
    /// </para>
    /// </summary>
    private async Task<bool> WriteChangedAsync(FanOut roots, Written written, CancellationToken cancellationToken)
    {
        var groups = new GroupCache(snapshots);
        var derivedViews = new ViewCache(views);
        var codes = new ConcurrentDictionary<long, CodeState?>();
        var wroteUsers = await AnyWroteAsync(roots.Users, async (userPk, ct) =>
        {
            var view = await DeriveUserAsync(userPk, groups, ct);
            derivedViews.SetUser(userPk, view);
            var rewritten = await WriteIfChangedAsync(
                written.Users, userPk, view, written.Same, v => views.SaveUserAsync(v, ct), () => Wrote(views.DeleteUserAsync(userPk, ct)));
            Include(await snapshots.GetLiveCodesOfUserAsync(userPk, ct), all: rewritten);
            return rewritten;
        }, cancellationToken);

        var wroteProviders = await AnyWroteAsync(roots.Providers, async (providerPk, ct) =>
        {
            var derived = await DeriveProviderAsync(providerPk, ct);
            derivedViews.SetProvider(providerPk, derived?.View);
            var rewritten = await WriteIfChangedAsync(
                written.Providers,
                providerPk,
                derived,
                written.Same,
                p => views.SaveProviderAsync(p.View, p.ClientSecret, ct),
                () => Wrote(views.DeleteProviderAsync(providerPk, ct)));
            Include(await snapshots.GetLiveCodesOfProviderAsync(providerPk, ct), all: rewritten);
            return rewritten;
        }, cancellationToken);

        // The dictionaries are enumerated, not read through Keys or ToArray(): those take every lock of a ConcurrentDictionary, which a code event paid for twice.
        var unseen = written.Codes.Select(entry => entry.Key).Concat(roots.Codes).Where(pk => !codes.ContainsKey(pk)).Distinct().Select(EntityKey.Code).ToArray();
        foreach (var key in unseen)
        {
            codes[key.IntegerPk] = null;
        }

        foreach (var snapshot in await ReadSnapshotsAsync(unseen, cancellationToken))
        {
            codes[snapshot.Key.IntegerPk] = snapshot is { IsLive: true, State: CodeState code } ? code : null;
        }

        var wroteCodes = await AnyWroteAsync([.. codes], async (entry, ct) =>
        {
            var document = entry.Value is { } code ? await DeriveCodeAsync(code, derivedViews, ct) : null;
            return await WriteIfChangedAsync(
                written.Codes, entry.Key, document, written.Same, d => views.SaveCodeAsync(d, ct), () => views.DeleteCodeAsync(entry.Key, ct));
        }, cancellationToken);

        return wroteUsers | wroteProviders | wroteCodes;

        void Include(IEnumerable<CodeState> live, bool all)
        {
            foreach (var code in live.Where(c => all || written.Codes.ContainsKey(c.Pk)))
            {
                codes[code.Pk] = code;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> for every item, at most <see cref="ProjectionOptions.FanOutParallelism"/> at
    /// a time, and says whether any wrote. Writes start on the calling thread; one that completes at once (every
    /// write of the embedded store, which serializes its calls on one lock) is taken in place, so an in-memory
    /// fan-out runs as a plain loop instead of contending for that lock from pool threads. The first failure
    /// cancels the writes still running, awaits them (none outlives the call) and propagates (the message is
    /// redelivered and derives again); throttling is the store client's to retry.
    /// </summary>
    private async Task<bool> AnyWroteAsync<T>(IReadOnlyCollection<T> items, Func<T, CancellationToken, Task<bool>> write, CancellationToken cancellationToken)
    {
        if (items.Count <= 1)
        {
            // A code event's rounds: one item each, nothing to bound or cancel.
            return items.Count == 1 && await write(items.First(), cancellationToken);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<bool>>();
        var wrote = false;
        try
        {
            foreach (var item in items)
            {
                if (running.Count == options.FanOutParallelism)
                {
                    wrote |= await NextFinishedAsync(running);
                }

                var writing = write(item, stop.Token);
                if (writing.IsCompleted)
                {
                    wrote |= await writing;
                }
                else
                {
                    running.Add(writing);
                }
            }

            while (running.Count > 0)
            {
                wrote |= await NextFinishedAsync(running);
            }

            return wrote;
        }
        finally
        {
            if (running.Count > 0)
            {
                // Cancelled inline, not by CancelAsync's hop to the pool: the failure path stays on the thread that saw the failure.
                stop.Cancel();
                await ((Task)Task.WhenAll(running)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        static async Task<bool> NextFinishedAsync(List<Task<bool>> running)
        {
            var finished = await Task.WhenAny(running);
            running.Remove(finished);
            return await finished;
        }
    }

    /// <summary>A point read for a single key (the code event's own snapshot): cheaper than a one-item ReadMany.</summary>
    private async Task<IReadOnlyList<EntitySnapshot>> ReadSnapshotsAsync(EntityKey[] keys, CancellationToken cancellationToken) => keys switch
    {
        [] => [],
        [var key] => [.. new[] { await snapshots.GetSnapshotAsync(key, cancellationToken) }.OfType<EntitySnapshot>()],
        _ => await snapshots.GetSnapshotsAsync(keys, cancellationToken),
    };

    /// <summary>
    /// Saves (or, for null, deletes) a derived item unless this event last wrote an equal one (<paramref name="same"/>).
    /// A delete that found nothing wrote nothing: a code its own delete event unlisted after this event
    /// wrote it (common in a long provider fan-out, codes live a minute) costs no further round.
    /// </summary>
    private static async Task<bool> WriteIfChangedAsync<T>(
        ConcurrentDictionary<long, T?> written, long pk, T? derived, Func<T?, T?, bool> same, Func<T, Task> save, Func<Task<bool>> delete)
        where T : class
    {
        if (written.TryGetValue(pk, out var last) && same(last, derived))
        {
            return false;
        }

        var wrote = derived is null ? await delete() : await Wrote(save(derived));
        written[pk] = derived;
        return wrote;
    }

    private static async Task<bool> Wrote(Task write)
    {
        await write;
        return true;
    }

    /// <summary>The user's view from its snapshot and its groups' snapshots; null while the user is not live.</summary>
    private async Task<UserView?> DeriveUserAsync(long userPk, GroupCache groups, CancellationToken cancellationToken) =>
        await snapshots.GetSnapshotAsync(EntityKey.User(userPk), cancellationToken) is { IsLive: true, State: UserState user }
            ? await DeriveUserAsync(user, groups, cancellationToken)
            : null;

    /// <summary>The provider's view (and its secret) from its snapshot and the applications claiming it; null while the provider is not live.</summary>
    private async Task<ProviderItem?> DeriveProviderAsync(long providerPk, CancellationToken cancellationToken)
    {
        if (await snapshots.GetSnapshotAsync(EntityKey.Provider(providerPk), cancellationToken) is not { IsLive: true, State: ProviderState provider })
        {
            return null;
        }

        var applications = await snapshots.GetLiveApplicationsClaimingProviderAsync(providerPk, cancellationToken);
        return new ProviderItem(Derivation.ProviderView(provider, applications), provider.ClientSecret);
    }

    /// <summary>The code's document while its user and provider are live (their views exist); null (unlisted) otherwise.</summary>
    private static async Task<CodeDocument?> DeriveCodeAsync(CodeState code, ViewCache views, CancellationToken cancellationToken)
    {
        var reads = (User: views.UserAsync(code.User, cancellationToken), Provider: views.ProviderAsync(code.Provider, cancellationToken));
        var (user, provider) = (await reads.User, await reads.Provider);
        return user is not null && provider is not null
            ? new CodeDocument(code.Pk, provider, user, code.Expires, code.Expiring, code.Scope)
            : null;
    }

    private static async Task<UserView> DeriveUserAsync(UserState user, GroupCache groups, CancellationToken cancellationToken)
    {
        await groups.LoadAsync(user.Groups, cancellationToken);
        var direct = new List<GroupState>();
        foreach (var pk in user.Groups)
        {
            if (await groups.GetLiveAsync(pk, cancellationToken) is { } group)
            {
                direct.Add(group);
            }
        }

        var groupViews = new List<UserGroupView>(direct.Count);
        var isSuperuser = false;
        foreach (var group in direct)
        {
            var parent = group.Parent is { } parentPk ? await groups.GetLiveAsync(parentPk, cancellationToken) : null;
            groupViews.Add(Derivation.GroupView(group, parent));
            isSuperuser = isSuperuser || await IsSuperuserThroughAsync(group, groups, cancellationToken);
        }

        return Derivation.UserView(user, groupViews, isSuperuser);
    }

    /// <summary>Walks up from a direct group (depth 1) until depth <see cref="MaxGroupDepth"/>, a group that is not live, or a cycle.</summary>
    private static async Task<bool> IsSuperuserThroughAsync(GroupState direct, GroupCache groups, CancellationToken cancellationToken)
    {
        var visited = new HashSet<Guid>();
        GroupState? current = direct;
        for (var depth = 1; current is not null && depth <= MaxGroupDepth && visited.Add(current.Pk); depth++)
        {
            if (current.IsSuperuser)
            {
                return true;
            }

            current = current.Parent is { } parent ? await groups.GetLiveAsync(parent, cancellationToken) : null;
        }

        return false;
    }

    /// <summary>
    /// User and provider views read (or just derived) once per settling round: a fan-out over
    /// thousands of codes shares a handful of views instead of two point reads per code. Safe for the
    /// round's parallel writes; two that miss the same view at once may both read it.
    /// </summary>
    private sealed class ViewCache(IViewStore store)
    {
        private readonly ConcurrentDictionary<long, Task<UserView?>> users = [];
        private readonly ConcurrentDictionary<long, Task<ProviderView?>> providers = [];

        public void SetUser(long pk, UserView? view) => users[pk] = Task.FromResult(view);

        public void SetProvider(long pk, ProviderView? view) => providers[pk] = Task.FromResult(view);

        public Task<UserView?> UserAsync(long pk, CancellationToken cancellationToken) =>
            users.GetOrAdd(pk, key => store.GetUserAsync(key, cancellationToken));

        public Task<ProviderView?> ProviderAsync(long pk, CancellationToken cancellationToken) =>
            providers.GetOrAdd(pk, key => store.GetProviderAsync(key, cancellationToken));
    }

    /// <summary>
    /// Group snapshots read once per settling round (a group fan-out derives many users from the same groups).
    /// Safe for parallel user derivations: an entry is added once, complete; two that miss the same group may both read it.
    /// </summary>
    private sealed class GroupCache(ISnapshotStore snapshots)
    {
        private readonly ConcurrentDictionary<Guid, GroupState?> live = [];

        public async Task LoadAsync(IEnumerable<Guid> pks, CancellationToken cancellationToken)
        {
            var missing = pks.Where(pk => !live.ContainsKey(pk)).Distinct().Select(EntityKey.Group).ToArray();
            if (missing.Length == 0)
            {
                return;
            }

            var found = (await snapshots.GetSnapshotsAsync(missing, cancellationToken)).Where(s => s.IsLive).ToDictionary(s => s.Key.UuidPk, s => (GroupState)s.State!);
            foreach (var key in missing)
            {
                live[key.UuidPk] = found.GetValueOrDefault(key.UuidPk);
            }
        }

        public async Task<GroupState?> GetLiveAsync(Guid pk, CancellationToken cancellationToken)
        {
            if (!live.TryGetValue(pk, out var group))
            {
                await LoadAsync([pk], cancellationToken);
                group = live[pk];
            }

            return group;
        }
    }

    /// <summary>What an event re-derives: user views, provider views (each with their codes), and single codes.</summary>
    private sealed class FanOut
    {
        public IReadOnlyList<long> Users { get; init; } = [];

        public IReadOnlyList<long> Providers { get; init; } = [];

        public IReadOnlyList<long> Codes { get; init; } = [];
    }

    /// <summary>A provider's view as stored: with its client secret, which the view itself never carries.</summary>
    private sealed record ProviderItem(ProviderView View, string ClientSecret);

    /// <summary>
    /// The last item one event wrote per key (null: deleted), and the equality a settling round compares with.
    /// Views hold lists and JSON attributes, which records compare by reference, so a view compares by its JSON,
    /// serialized once per view instance for the whole settle: a fan-out's thousands of code documents share a
    /// handful of views, and serializing each document twice per round was a quarter of a fan-out's CPU samples.
    /// A code document compares its own fields by value.
    /// </summary>
    private sealed class Written
    {
        private readonly ConcurrentDictionary<object, string> json = new(ReferenceEqualityComparer.Instance);

        public ConcurrentDictionary<long, UserView?> Users { get; } = [];

        public ConcurrentDictionary<long, ProviderItem?> Providers { get; } = [];

        public ConcurrentDictionary<long, CodeDocument?> Codes { get; } = [];

        public bool Same(UserView? last, UserView? derived) => SameJson(last, derived);

        public bool Same(ProviderItem? last, ProviderItem? derived) =>
            ReferenceEquals(last, derived)
            || (last is not null && derived is not null && last.ClientSecret == derived.ClientSecret && SameJson(last.View, derived.View));

        /// <summary>
        /// The views by their JSON, the scopes by their items, every other field by the record's own equality, so a
        /// field added later is compared too (a list by reference: a needless rewrite, never a missed one). The
        /// expiry compares as an instant: both stores keep it in UTC.
        /// </summary>
        public bool Same(CodeDocument? last, CodeDocument? derived) =>
            ReferenceEquals(last, derived)
            || (last is not null && derived is not null
                && last with { Provider = derived.Provider, User = derived.User, Scope = derived.Scope } == derived
                && last.Scope.SequenceEqual(derived.Scope)
                && SameJson(last.Provider, derived.Provider)
                && SameJson(last.User, derived.User));

        private bool SameJson(object? last, object? derived) =>
            ReferenceEquals(last, derived)
            || (last is not null && derived is not null && JsonOf(last) == JsonOf(derived));

        private string JsonOf(object view) => json.GetOrAdd(view, v => JsonSerializer.Serialize(v, v.GetType()));
    }
}
