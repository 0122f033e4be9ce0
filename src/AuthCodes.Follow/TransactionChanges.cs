using AuthCodes.Publishing;

namespace AuthCodes.Follow;

/// <summary>
/// What one transaction changed, folded per entity: a code's last row (or its delete), and the
/// keys of every other entity any of whose rows changed. At the commit this becomes one event per
/// entity, however many statements touched it.
/// </summary>
internal sealed class TransactionChanges
{
    /// <summary>Per code pk: its row at the end of the transaction, or null when deleted.</summary>
    public Dictionary<long, AuthorizationCodeData?> Codes { get; } = [];

    /// <summary>Codes whose replicated row lacks a value (an unchanged TOASTed scope): read by SQL at the commit.</summary>
    public HashSet<long> CodesToRead { get; } = [];

    public EntityKeys Entities { get; } = new();

    public bool IsEmpty => Codes.Count == 0 && CodesToRead.Count == 0 && Entities.IsEmpty;

    /// <param name="newRow">The row after an insert or update; null for a delete.</param>
    /// <param name="oldRow">The row before an update or delete: the key only, or all columns under full replica identity.</param>
    public void Add(string table, ReplicatedRow? newRow, ReplicatedRow? oldRow)
    {
        var row = newRow ?? oldRow!;
        switch (table)
        {
            case AuthentikTables.Code:
                var pk = CodeRows.Integer(row.Required("id"));
                if (newRow is null)
                {
                    Codes[pk] = null;
                    CodesToRead.Remove(pk);
                }
                else if (newRow.IsUnchanged("_scope"))
                {
                    Codes.Remove(pk);
                    CodesToRead.Add(pk);
                }
                else
                {
                    Codes[pk] = CodeRows.FromRow(newRow);
                    CodesToRead.Remove(pk);
                }

                break;
            case AuthentikTables.User:
                AddLong(Entities.Users, "id", row);
                break;
            case AuthentikTables.Membership:
                AddLong(Entities.Users, "user_id", newRow, oldRow);
                break;
            case AuthentikTables.Group:
                AddGuid(Entities.Groups, "group_uuid", row);
                break;
            case AuthentikTables.Provider:
                AddLong(Entities.Providers, "id", row);
                AddGuid(Entities.Applications, "backchannel_application_id", newRow, oldRow);
                break;
            case AuthentikTables.OAuth2Provider:
                AddLong(Entities.Providers, "provider_ptr_id", row);
                break;
            case AuthentikTables.PropertyMappings:
                AddLong(Entities.Providers, "provider_id", newRow, oldRow);
                break;
            case AuthentikTables.JwksSources:
                AddLong(Entities.Providers, "oauth2provider_id", newRow, oldRow);
                break;
            case AuthentikTables.Application:
                AddGuid(Entities.Applications, "policybindingmodel_ptr_id", row);
                break;
            case AuthentikTables.Tenant:
                Entities.AllUsers = true;
                break;
        }
    }

    /// <summary>The integer key in <paramref name="column"/> of each row that exists (a link's old and new row both count).</summary>
    private static void AddLong(HashSet<long> keys, string column, params ReadOnlySpan<ReplicatedRow?> rows)
    {
        foreach (var row in rows)
        {
            if (row?[column] is { } value)
            {
                keys.Add(CodeRows.Integer(value));
            }
        }
    }

    private static void AddGuid(HashSet<Guid> keys, string column, params ReadOnlySpan<ReplicatedRow?> rows)
    {
        foreach (var row in rows)
        {
            if (row?[column] is { } value)
            {
                keys.Add(Guid.Parse(value));
            }
        }
    }
}
