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
                AddLong(Entities.Users, row, "id");
                break;
            case AuthentikTables.Membership:
                AddLong(Entities.Users, newRow, "user_id");
                AddLong(Entities.Users, oldRow, "user_id");
                break;
            case AuthentikTables.Group:
                AddGuid(Entities.Groups, row, "group_uuid");
                break;
            case AuthentikTables.Provider:
                AddLong(Entities.Providers, row, "id");
                AddGuid(Entities.Applications, newRow, "backchannel_application_id");
                AddGuid(Entities.Applications, oldRow, "backchannel_application_id");
                break;
            case AuthentikTables.OAuth2Provider:
                AddLong(Entities.Providers, row, "provider_ptr_id");
                break;
            case AuthentikTables.PropertyMappings:
                AddLong(Entities.Providers, newRow, "provider_id");
                AddLong(Entities.Providers, oldRow, "provider_id");
                break;
            case AuthentikTables.JwksSources:
                AddLong(Entities.Providers, newRow, "oauth2provider_id");
                AddLong(Entities.Providers, oldRow, "oauth2provider_id");
                break;
            case AuthentikTables.Application:
                AddGuid(Entities.Applications, row, "policybindingmodel_ptr_id");
                break;
            case AuthentikTables.Tenant:
                Entities.AllUsers = true;
                break;
        }
    }

    private static void AddLong(HashSet<long> keys, ReplicatedRow? row, string column)
    {
        if (row?[column] is { } value)
        {
            keys.Add(CodeRows.Integer(value));
        }
    }

    private static void AddGuid(HashSet<Guid> keys, ReplicatedRow? row, string column)
    {
        if (row?[column] is { } value)
        {
            keys.Add(Guid.Parse(value));
        }
    }
}
