using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace AuthCodes.Follow;

/// <summary>
/// One row of a pgoutput message, as text by column name. A key-only row (a delete under the
/// default replica identity) has nulls outside the key; a TOASTed value the update left unchanged
/// is not sent and reads as <see cref="IsUnchanged"/>.
/// </summary>
internal sealed class ReplicatedRow
{
    private readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> unchanged = new(StringComparer.Ordinal);

    public string? this[string column] => values.GetValueOrDefault(column);

    public bool IsUnchanged(string column) => unchanged.Contains(column);

    public string Required(string column) =>
        this[column] ?? throw new InvalidOperationException($"The replicated row has no value for {column}.");

    /// <summary>Reads the tuple now: pgoutput tuples stream and must be consumed before the next message.</summary>
    public static async Task<ReplicatedRow> ReadAsync(RelationMessage relation, ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var row = new ReplicatedRow();
        var index = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken))
        {
            var column = relation.Columns[index++].ColumnName;
            switch (value.Kind)
            {
                case TupleDataKind.Null:
                    row.values[column] = null;
                    break;
                case TupleDataKind.UnchangedToastedValue:
                    row.unchanged.Add(column);
                    break;
                default:
                    row.values[column] = await value.Get<string>(cancellationToken);
                    break;
            }
        }

        return row;
    }
}
