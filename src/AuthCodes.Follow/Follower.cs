using System.Data;
using AuthCodes.Publishing;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;
using NpgsqlTypes;

namespace AuthCodes.Follow;

/// <summary>
/// Follows authentik's PostgreSQL: checks the setup, loads the current state from a new slot's
/// exported snapshot (versioned by the slot's consistent point) or resumes an existing slot, then
/// streams the publication and sends one event per entity per commit (versioned by the commit
/// LSN). The slot advances only past commits whose events the destination took. With
/// <paramref name="followed"/> kept across runs into one destination, a fresh snapshot also deletes
/// the entities that vanished between them.
/// </summary>
public sealed class Follower(FollowSettings settings, ChangeEventFactory factory, IChangeEventSink sink, Action<string> report, FollowedEntities? followed = null)
{
    private readonly CommitEvents commits = new(factory, TimeProvider.System);

    /// <summary>The end LSN of the last commit the destination took (the slot's flushed position).</summary>
    public NpgsqlLogSequenceNumber Acknowledged { get; private set; }

    /// <summary>Runs until cancelled; throws <see cref="FollowSetupException"/> when the database is not set up for it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Text values are parsed here: the sessions run in UTC with ISO dates.
        var connectionString = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Timezone = "UTC", Options = "-c DateStyle=ISO" }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var queries = await dataSource.OpenConnectionAsync(cancellationToken);
        await ReplicationSetup.EnsureAsync(queries, settings, cancellationToken);
        var resume = !settings.TemporarySlot && await ReplicationSetup.SlotExistsAsync(queries, settings.Slot, cancellationToken);
        if (!resume && !settings.TemporarySlot && !settings.CreateSlot)
        {
            throw new FollowSetupException(
                $"replication slot '{settings.Slot}' does not exist (a first run, or the slot was dropped): run with --create-slot, which loads the current state from the new slot's snapshot, so nothing is lost.");
        }

        await using var replication = new LogicalReplicationConnection(connectionString) { WalReceiverStatusInterval = TimeSpan.FromSeconds(1) };
        await replication.Open(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sender = new AcknowledgingSender(sink, settings, lsn => Acknowledge(replication, lsn), report);
        var slot = resume ? new PgOutputReplicationSlot(settings.Slot) : await CreateAndLoadAsync(replication, dataSource, sender, cancellationToken);
        if (resume)
        {
            report($"resuming from replication slot '{settings.Slot}'.");
        }

        var sending = SendAsync(sender, stop);
        try
        {
            await StreamAsync(replication, slot, queries, sender, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }
    }

    private void Acknowledge(LogicalReplicationConnection replication, NpgsqlLogSequenceNumber lsn)
    {
        replication.SetReplicationStatus(lsn);
        Acknowledged = lsn;
    }

    /// <summary>Sends until stopped; a failure of its own stops the stream too (and surfaces from <see cref="RunAsync"/>).</summary>
    private static async Task SendAsync(AcknowledgingSender sender, CancellationTokenSource stop)
    {
        try
        {
            await sender.RunAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates the slot with an exported snapshot and sends the state that snapshot shows. A permanent
    /// slot is dropped again if the load does not finish, so the next run loads again.
    /// </summary>
    private async Task<PgOutputReplicationSlot> CreateAndLoadAsync(
        LogicalReplicationConnection replication, NpgsqlDataSource dataSource, AcknowledgingSender sender, CancellationToken cancellationToken)
    {
        var slot = await replication.CreatePgOutputReplicationSlot(
            settings.Slot, settings.TemporarySlot, LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
        try
        {
            var version = (ulong)slot.ConsistentPoint;
            List<EntityState> states;
            await using (var snapshot = await dataSource.OpenConnectionAsync(cancellationToken))
            await using (var transaction = await snapshot.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
            {
                await using (var use = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{slot.SnapshotName}'", snapshot, transaction))
                {
                    await use.ExecuteNonQueryAsync(cancellationToken);
                }

                states = await EntityReader.ReadAsync(snapshot, null, cancellationToken);
                states.AddRange(await EntityReader.ReadCodesAsync(snapshot, null, cancellationToken));
            }

            var load = states.Select(s => commits.ToEvent(s, version, null)).ToList();
            var gone = followed?.ReplaceWith(load) ?? [];
            load.AddRange(gone.Select(entity => factory.Deleted(entity.Entity, entity.Key, version)));
            foreach (var chunk in load.Chunk(settings.MaxBatch))
            {
                await sender.SendUntilTakenAsync(chunk, cancellationToken);
            }

            Acknowledged = slot.ConsistentPoint;
            var deletions = gone.Count > 0 ? $", {gone.Count} of them deleting what vanished since the last snapshot," : "";
            report($"initial load: {load.Count} event(s){deletions} at LSN {slot.ConsistentPoint} (version {version}) from slot '{settings.Slot}'.");
            return slot;
        }
        catch when (!settings.TemporarySlot)
        {
            await DropAfterFailedLoadAsync(dataSource);
            throw;
        }
    }

    private async Task DropAfterFailedLoadAsync(NpgsqlDataSource dataSource)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await using var drop = new NpgsqlCommand(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = @slot AND NOT active", connection);
            drop.Parameters.AddWithValue("slot", settings.Slot);
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (NpgsqlException exception)
        {
            report($"the initial load did not finish and slot '{settings.Slot}' could not be dropped ({exception.Message}): drop it before the next run.");
        }
    }

    private async Task StreamAsync(
        LogicalReplicationConnection replication, PgOutputReplicationSlot slot, NpgsqlConnection queries, AcknowledgingSender sender, CancellationToken cancellationToken)
    {
        var options = new PgOutputReplicationOptions(settings.Publication, PgOutputProtocolVersion.V1);
        var changes = new TransactionChanges();
        uint xid = 0;
        await foreach (var message in replication.StartReplication(slot, options, cancellationToken))
        {
            switch (message)
            {
                case BeginMessage begin:
                    changes = new TransactionChanges();
                    xid = begin.TransactionXid;
                    break;
                case InsertMessage insert:
                    changes.Add(insert.Relation.RelationName, await ReplicatedRow.ReadAsync(insert.Relation, insert.NewRow, cancellationToken), null);
                    break;
                case FullUpdateMessage full:
                    var before = await ReplicatedRow.ReadAsync(full.Relation, full.OldRow, cancellationToken);
                    changes.Add(full.Relation.RelationName, await ReplicatedRow.ReadAsync(full.Relation, full.NewRow, cancellationToken), before);
                    break;
                case IndexUpdateMessage keyChanged:
                    var key = await ReplicatedRow.ReadAsync(keyChanged.Relation, keyChanged.Key, cancellationToken);
                    changes.Add(keyChanged.Relation.RelationName, await ReplicatedRow.ReadAsync(keyChanged.Relation, keyChanged.NewRow, cancellationToken), key);
                    break;
                case UpdateMessage update:
                    changes.Add(update.Relation.RelationName, await ReplicatedRow.ReadAsync(update.Relation, update.NewRow, cancellationToken), null);
                    break;
                case FullDeleteMessage fullDelete:
                    changes.Add(fullDelete.Relation.RelationName, null, await ReplicatedRow.ReadAsync(fullDelete.Relation, fullDelete.OldRow, cancellationToken));
                    break;
                case KeyDeleteMessage keyDelete:
                    changes.Add(keyDelete.Relation.RelationName, null, await ReplicatedRow.ReadAsync(keyDelete.Relation, keyDelete.Key, cancellationToken));
                    break;
                case TruncateMessage truncate:
                    report($"ignored a TRUNCATE of {string.Join(", ", truncate.Relations.Select(r => r.RelationName))}: rebuild the read model if it was not a test database.");
                    break;
                case CommitMessage commit:
                    var events = changes.IsEmpty
                        ? []
                        : await commits.BuildAsync(changes, queries, xid, (ulong)commit.CommitLsn, new DateTimeOffset(commit.TransactionCommitTimestamp, TimeSpan.Zero), cancellationToken);
                    followed?.Saw(events);
                    await sender.EnqueueAsync(new PendingCommit(events, commit.TransactionEndLsn), cancellationToken);
                    changes = new TransactionChanges();
                    break;
            }
        }
    }
}
