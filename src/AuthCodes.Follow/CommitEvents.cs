using AuthCodes.Publishing;
using Npgsql;

namespace AuthCodes.Follow;

/// <summary>
/// Turns a committed transaction into events versioned by its commit LSN: codes straight from
/// their replicated rows, every other touched entity read whole by SQL now, in one snapshot that
/// includes the commit (<see cref="CommitSnapshot"/>). Such a read sees the database as it is when
/// the commit is processed, which may already include later commits: the
/// event then carries a newer state under an older version, and the later commit's own event
/// (same state or newer, higher version) follows, so the read model never goes back in time.
/// </summary>
internal sealed class CommitEvents(ChangeEventFactory factory, TimeProvider clock)
{
    public async Task<List<PublishableEvent>> BuildAsync(
        TransactionChanges changes, NpgsqlConnection connection, uint xid, ulong version, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var events = new List<PublishableEvent>(changes.Codes.Count);
        foreach (var (pk, code) in changes.Codes)
        {
            events.Add(code is null
                ? factory.Deleted(EntityNames.AuthorizationCode, pk.ToString(System.Globalization.CultureInfo.InvariantCulture), version, time)
                : factory.Saved(code, version, time));
        }

        if (changes.CodesToRead.Count == 0 && changes.Entities.IsEmpty)
        {
            return events;
        }

        await using var snapshot = await CommitSnapshot.BeginAsync(connection, xid, clock, cancellationToken);
        if (changes.CodesToRead.Count > 0)
        {
            events.AddRange((await EntityReader.ReadCodesAsync(connection, changes.CodesToRead, cancellationToken)).Select(s => ToEvent(s, version, time)));
        }

        if (!changes.Entities.IsEmpty)
        {
            events.AddRange((await EntityReader.ReadAsync(connection, changes.Entities, cancellationToken)).Select(s => ToEvent(s, version, time)));
        }

        return events;
    }

    public PublishableEvent ToEvent(EntityState state, ulong version, DateTimeOffset? time) => state switch
    {
        EntityState.Saved saved => factory.Saved(saved.Data, version, time),
        EntityState.Gone gone => factory.Deleted(gone.Entity, gone.Key, version, time),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
