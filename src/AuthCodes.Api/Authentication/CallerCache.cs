using System.Collections.Concurrent;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// The live user behind a token's subject, kept per subject for at most
/// <see cref="BearerAuthenticationOptions.CallerCacheDuration"/> and never past the token's <c>exp</c>,
/// so a warm request costs no user look-up. The projector on this instance drops an entry at once when
/// it writes or deletes that user, or gives another user that subject; a change applied only by
/// another instance is seen that late at worst. Misses are not kept, so a new user is never refused
/// from memory. Keys are subjects of validated tokens, never token text.
/// </summary>
internal sealed class CallerCache : IUserViewObserver
{
    /// <summary>Bound on kept callers: past it expired entries are swept, and if that frees nothing, all.</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly Lock writes = new();
    private readonly ICodeReadStore store;
    private readonly TimeProvider clock;
    private readonly SubjectMode mode;
    private readonly TimeSpan duration;

    /// <summary>Bumped by every user change, so a look-up that raced one is not kept.</summary>
    private long changes;

    public CallerCache(ICodeReadStore store, TimeProvider clock, IOptions<BearerAuthenticationOptions> options)
    {
        this.store = store;
        this.clock = clock;
        mode = SubjectModes.Parse(options.Value.SubjectMode);
        duration = options.Value.CallerCacheDuration;
    }

    /// <summary><see cref="ICodeReadStore.FindUserAsync"/> under the configured subject mode, from memory while fresh.</summary>
    public async Task<UserView?> FindUserAsync(string subject, DateTimeOffset tokenExpires, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(subject, out var kept) && kept.ValidUntil > now)
        {
            return kept.User;
        }

        var changesBefore = Interlocked.Read(ref changes);
        var user = await store.FindUserAsync(mode, subject, cancellationToken);
        var validUntil = now + duration < tokenExpires ? now + duration : tokenExpires;
        if (user is not null && validUntil > now)
        {
            Keep(subject, new Entry(user, validUntil), changesBefore, now);
        }

        return user;
    }

    public void UserSaved(UserView user) => Drop(user.Pk, user.SubjectOf(mode));

    public void UserDeleted(long pk) => Drop(pk, subject: null);

    private void Keep(string subject, Entry entry, long changesBefore, DateTimeOffset now)
    {
        lock (writes)
        {
            if (changes != changesBefore)
            {
                return; // what was read may predate the change
            }

            if (entries.Count >= Capacity)
            {
                Sweep(now);
            }

            entries[subject] = entry;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (subject, entry) in entries)
        {
            if (entry.ValidUntil <= now)
            {
                entries.TryRemove(subject, out _);
            }
        }

        if (entries.Count >= Capacity)
        {
            entries.Clear();
        }
    }

    /// <summary>The user's own entries, and the one of the subject it now has (it may make that subject ambiguous).</summary>
    private void Drop(long pk, string? subject)
    {
        lock (writes)
        {
            changes++;
            foreach (var (key, entry) in entries)
            {
                if (entry.User.Pk == pk || key == subject)
                {
                    entries.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed record Entry(UserView User, DateTimeOffset ValidUntil);
}
