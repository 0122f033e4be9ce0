using AuthCodes.Publishing;

namespace AuthCodes.Follow;

/// <summary>
/// The users, groups, providers and applications sent as saved to one destination, kept across the fresh
/// snapshots it is fed (the local host reconnecting through a new temporary slot). An entity sent before
/// and missing from a new snapshot was deleted while no slot recorded changes: the snapshot then also
/// sends it as deleted. Codes are left out: they churn, and a code's document expires with its retention.
/// </summary>
public sealed class FollowedEntities
{
    private readonly Lock gate = new();
    private HashSet<string> subjects = new(StringComparer.Ordinal);

    /// <summary>Adds the entities these events save (a deletion leaves its subject until the next snapshot shows it gone).</summary>
    internal void Saw(IEnumerable<PublishableEvent> events)
    {
        lock (gate)
        {
            subjects.UnionWith(events.Where(IsFollowedSave).Select(e => e.Subject));
        }
    }

    /// <summary>Replaces what was seen by a snapshot's events and returns the entities seen before and missing from it.</summary>
    internal List<(string Entity, string Key)> ReplaceWith(IEnumerable<PublishableEvent> snapshot)
    {
        var now = new HashSet<string>(snapshot.Where(IsFollowedSave).Select(e => e.Subject), StringComparer.Ordinal);
        lock (gate)
        {
            var gone = subjects.Where(subject => !now.Contains(subject)).Order(StringComparer.Ordinal).Select(Split).ToList();
            subjects = now;
            return gone;
        }
    }

    private static bool IsFollowedSave(PublishableEvent e) =>
        Split(e.Subject).Entity is var entity && entity != EntityNames.AuthorizationCode && e.Type == ChangeEventType.Of(entity, ChangeEventType.Saved);

    private static (string Entity, string Key) Split(string subject)
    {
        var slash = subject.IndexOf('/', StringComparison.Ordinal);
        return (subject[..slash], subject[(slash + 1)..]);
    }
}
