using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>
/// Applies change events to the read model through <see cref="IReadModelStore"/>, so that any
/// interleaving or duplication of one set of events yields the same model.
/// <list type="number">
/// <item>Per entity, the snapshot's <see cref="EventStamp"/> decides: an event not above it is
/// ignored and writes nothing (Propulsion: the source version is stored next to the data). Deletes
/// keep a tombstone stamp.</item>
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
/// </list>
/// Events are applied one at a time per projector instance (derivations read several entities).
/// </summary>
public sealed class Projector : IDisposable
{
    /// <summary>authentik's parent walk: a direct group is depth 1; the walk stops after this depth.</summary>
    public const int MaxGroupDepth = 20;

    private readonly IReadModelStore store;
    private readonly TimeProvider time;
    private readonly ProjectionOptions options;
    private readonly SemaphoreSlim gate = new(1, 1);

    public Projector(IReadModelStore store, TimeProvider time, ProjectionOptions? options = null)
    {
        this.store = store;
        this.time = time;
        this.options = options ?? new ProjectionOptions();
    }

    public void Dispose() => gate.Dispose();

    /// <summary>Applies a parsed event; a rejection passes through as a <see cref="OutcomeKind.Rejected"/> outcome.</summary>
    public Task<ProjectionOutcome> ApplyAsync(ParsedEvent parsed, CancellationToken cancellationToken) =>
        parsed.Event is { } e ? ApplyAsync(e, cancellationToken) : Task.FromResult(ProjectionOutcome.Rejected(parsed.Rejection!));

    /// <summary>Applies a batch in order, one outcome per event. A transient failure throws and leaves the rest unapplied.</summary>
    public async Task<IReadOnlyList<ProjectionOutcome>> ApplyBatchAsync(IEnumerable<ParsedEvent> events, CancellationToken cancellationToken)
    {
        var outcomes = new List<ProjectionOutcome>();
        foreach (var parsed in events)
        {
            outcomes.Add(await ApplyAsync(parsed, cancellationToken));
        }

        return outcomes;
    }

    public async Task<ProjectionOutcome> ApplyAsync(ChangeEvent e, CancellationToken cancellationToken)
    {
        if (e.State is CodeState { Expires: { } expires } && expires < time.GetUtcNow() - options.CodeGracePeriod)
        {
            return ProjectionOutcome.Ignored(e, "The code expired before now minus the grace period.");
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var previous = await RecordAsync(e, cancellationToken);
            if (previous.Ignored is { } reason)
            {
                return ProjectionOutcome.Ignored(e, reason);
            }

            await DeriveAsync(e, previous.State, cancellationToken);
            return ProjectionOutcome.Applied(e);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes the event's snapshot if it beats the stored one; returns the replaced state, or why it was ignored.</summary>
    private async Task<(EntityState? State, string? Ignored)> RecordAsync(ChangeEvent e, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetSnapshotAsync(e.Key, cancellationToken);
            if (current is not null)
            {
                var comparison = e.Stamp.CompareTo(current.Stamp);
                if (comparison == 0)
                {
                    return (null, "Duplicate: this event is already applied.");
                }

                if (comparison < 0)
                {
                    return (null, $"Stale: version {current.Stamp.Version} ({(current.Stamp.Deleted ? "deleted" : "saved")}, id {current.Stamp.EventId}) is already applied.");
                }
            }

            var snapshot = new EntitySnapshot(e.Key, e.Stamp, e.Deleted ? null : e.State, ForgetAt(e, current));
            if (await store.TryWriteSnapshotAsync(snapshot, current?.ETag, cancellationToken))
            {
                return (current?.State, null);
            }

            if (attempt >= options.MaxSnapshotWriteAttempts)
            {
                throw new SnapshotConflictException(e.Key);
            }
        }
    }

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

    private async Task DeriveAsync(ChangeEvent e, EntityState? previous, CancellationToken cancellationToken)
    {
        switch (e.Key.Kind)
        {
            case EntityKind.AuthorizationCode:
                await SettleCodeAsync(e.Key, cancellationToken);
                break;
            case EntityKind.User:
                await RefreshUserAsync(long.Parse(e.Key.Pk, System.Globalization.CultureInfo.InvariantCulture), new GroupCache(store), new ViewCache(store), cancellationToken);
                break;
            case EntityKind.Group:
                await RefreshGroupMembersAsync(Guid.Parse(e.Key.Pk), cancellationToken);
                break;
            case EntityKind.Provider:
                await RefreshProviderAsync(long.Parse(e.Key.Pk, System.Globalization.CultureInfo.InvariantCulture), new ViewCache(store), cancellationToken);
                break;
            case EntityKind.Application:
                var providers = new SortedSet<long>();
                foreach (var claim in new[] { previous, e.Deleted ? null : e.State }.OfType<ApplicationState>())
                {
                    if (claim.Provider is { } provider)
                    {
                        providers.Add(provider);
                    }

                    providers.UnionWith(claim.BackchannelProviders);
                }

                var views = new ViewCache(store);
                foreach (var provider in providers)
                {
                    await RefreshProviderAsync(provider, views, cancellationToken);
                }

                break;
        }
    }

    /// <summary>
    /// Lists or unlists a code from its latest snapshot, then checks the snapshot did not change
    /// meanwhile: another instance applying a newer event of the same code (a delete racing its save)
    /// could otherwise be overwritten by this instance's older document. Costs two point reads.
    /// </summary>
    private async Task SettleCodeAsync(EntityKey key, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await store.GetSnapshotAsync(key, cancellationToken);
            if (snapshot is { IsLive: true, State: CodeState code })
            {
                await RefreshCodeAsync(code, new ViewCache(store), cancellationToken);
            }
            else
            {
                await store.DeleteCodeAsync(long.Parse(key.Pk, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            }

            if ((await store.GetSnapshotAsync(key, cancellationToken))?.ETag == snapshot?.ETag)
            {
                return;
            }

            if (attempt >= options.MaxSnapshotWriteAttempts)
            {
                throw new SnapshotConflictException(key);
            }
        }
    }

    /// <summary>Members of the group and of every group below it (live children, cycle-safe) get their views and codes re-derived.</summary>
    private async Task RefreshGroupMembersAsync(Guid groupPk, CancellationToken cancellationToken)
    {
        var affected = new HashSet<Guid> { groupPk };
        var pending = new Queue<Guid>([groupPk]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in await store.GetLiveChildGroupsAsync(parent, cancellationToken))
            {
                if (affected.Add(child.Pk))
                {
                    pending.Enqueue(child.Pk);
                }
            }
        }

        var groups = new GroupCache(store);
        var views = new ViewCache(store);
        foreach (var user in (await store.GetLiveUsersInGroupsAsync(affected, cancellationToken)).OrderBy(u => u.Pk))
        {
            await RefreshUserAsync(user.Pk, groups, views, cancellationToken);
        }
    }

    private async Task RefreshUserAsync(long userPk, GroupCache groups, ViewCache views, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetSnapshotAsync(EntityKey.User(userPk), cancellationToken);
        UserView? view = null;
        if (snapshot is { IsLive: true, State: UserState user })
        {
            view = await DeriveUserAsync(user, groups, cancellationToken);
            await store.SaveUserAsync(view, cancellationToken);
        }
        else
        {
            await store.DeleteUserAsync(userPk, cancellationToken);
        }

        views.Users[userPk] = view;
        foreach (var code in await store.GetLiveCodesOfUserAsync(userPk, cancellationToken))
        {
            await RefreshCodeAsync(code, views, cancellationToken);
        }
    }

    private async Task RefreshProviderAsync(long providerPk, ViewCache views, CancellationToken cancellationToken)
    {
        var snapshot = await store.GetSnapshotAsync(EntityKey.Provider(providerPk), cancellationToken);
        ProviderView? view = null;
        if (snapshot is { IsLive: true, State: ProviderState provider })
        {
            var applications = await store.GetLiveApplicationsClaimingProviderAsync(providerPk, cancellationToken);
            view = Derivation.ProviderView(provider, applications);
            await store.SaveProviderAsync(view, provider.ClientSecret, cancellationToken);
        }
        else
        {
            await store.DeleteProviderAsync(providerPk, cancellationToken);
        }

        views.Providers[providerPk] = view;
        foreach (var code in await store.GetLiveCodesOfProviderAsync(providerPk, cancellationToken))
        {
            await RefreshCodeAsync(code, views, cancellationToken);
        }
    }

    /// <summary>Lists the code when its user and provider are live (their views exist), unlists it otherwise.</summary>
    private async Task RefreshCodeAsync(CodeState code, ViewCache views, CancellationToken cancellationToken)
    {
        var user = await views.UserAsync(code.User, cancellationToken);
        var provider = user is null ? null : await views.ProviderAsync(code.Provider, cancellationToken);
        if (user is not null && provider is not null)
        {
            await store.SaveCodeAsync(new CodeDocument(code.Pk, provider, user, code.Expires, code.Expiring, code.Scope), cancellationToken);
        }
        else
        {
            await store.DeleteCodeAsync(code.Pk, cancellationToken);
        }
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
    /// User and provider views read (or just derived) once per application of an event: a fan-out
    /// over thousands of codes shares a handful of views instead of two point reads per code.
    /// </summary>
    private sealed class ViewCache(IReadModelStore store)
    {
        public Dictionary<long, UserView?> Users { get; } = [];

        public Dictionary<long, ProviderView?> Providers { get; } = [];

        public async Task<UserView?> UserAsync(long pk, CancellationToken cancellationToken) =>
            Users.TryGetValue(pk, out var view) ? view : Users[pk] = await store.GetUserAsync(pk, cancellationToken);

        public async Task<ProviderView?> ProviderAsync(long pk, CancellationToken cancellationToken) =>
            Providers.TryGetValue(pk, out var view) ? view : Providers[pk] = await store.GetProviderAsync(pk, cancellationToken);
    }

    /// <summary>Group snapshots read once per application of an event (a group fan-out derives many users from the same groups).</summary>
    private sealed class GroupCache(IReadModelStore store)
    {
        private readonly Dictionary<Guid, GroupState?> live = [];

        public async Task LoadAsync(IEnumerable<Guid> pks, CancellationToken cancellationToken)
        {
            var missing = pks.Where(pk => !live.ContainsKey(pk)).Distinct().Select(EntityKey.Group).ToArray();
            if (missing.Length == 0)
            {
                return;
            }

            var found = await store.GetSnapshotsAsync(missing, cancellationToken);
            foreach (var key in missing)
            {
                live[Guid.Parse(key.Pk)] = null;
            }

            foreach (var snapshot in found.Where(s => s.IsLive))
            {
                var group = (GroupState)snapshot.State!;
                live[group.Pk] = group;
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
}
