using System.Data;
using Npgsql;

namespace AuthCodes.Follow;

/// <summary>
/// Begins a repeatable-read transaction whose snapshot includes a decoded commit. Logical decoding
/// sends a commit as soon as its WAL is flushed, a moment before the committing session leaves the
/// process array: a snapshot taken in that moment still shows the rows as they were before it, and an
/// entity read from it would carry the old state under the commit's version (for example an
/// application without the provider just assigned to it, kept by the read model until the entity's
/// next change). Until its snapshot includes the transaction, the attempt is rolled back and retried.
/// </summary>
internal static class CommitSnapshot
{
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(1);

    // pgoutput gives the transaction id's low 32 bits; its full form is the one just below the
    // snapshot's xmax with those bits (a committed transaction's id is below the xmax of any later snapshot).
    private const string IncludesCommitSql = """
        SELECT pg_visible_in_snapshot((xmax - ((xmax - @xid) & 4294967295))::text::xid8, snapshot)
        FROM pg_current_snapshot() AS snapshot, LATERAL (SELECT pg_snapshot_xmax(snapshot)::text::bigint) AS bound(xmax)
        """;

    public static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, uint xid, TimeProvider clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            try
            {
                await using var includes = new NpgsqlCommand(IncludesCommitSql, connection, transaction);
                includes.Parameters.AddWithValue("xid", (long)xid);
                if ((bool)(await includes.ExecuteScalarAsync(cancellationToken))!)
                {
                    return transaction;
                }
            }
            catch
            {
                await transaction.DisposeAsync();
                throw;
            }

            await transaction.DisposeAsync();
            await Task.Delay(RetryDelay, clock, cancellationToken);
        }
    }
}
