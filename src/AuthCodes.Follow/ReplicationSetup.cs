using Npgsql;

namespace AuthCodes.Follow;

/// <summary>
/// Checks (and with <see cref="FollowSettings.CreatePublication"/> repairs) what following needs:
/// wal_level=logical, the publication over every table, full replica identity where a link row's
/// delete must name its owner. Each problem is one line with its remedy.
/// </summary>
internal static class ReplicationSetup
{
    public static async Task EnsureAsync(NpgsqlConnection connection, FollowSettings settings, CancellationToken cancellationToken)
    {
        var walLevel = (string?)await Scalar(connection, "SHOW wal_level", cancellationToken);
        if (walLevel != "logical")
        {
            throw new FollowSetupException($"wal_level is '{walLevel}': set wal_level = logical and restart PostgreSQL (docs/follow.md).");
        }

        var missingTables = await Strings(connection,
            "SELECT t FROM unnest(@tables) AS t WHERE to_regclass('public.' || quote_ident(t)) IS NULL", cancellationToken);
        if (missingTables.Count > 0)
        {
            throw new FollowSetupException($"authentik's table(s) {string.Join(", ", missingTables)} are missing: is this authentik 2024.8's database?");
        }

        await EnsurePublicationAsync(connection, settings, cancellationToken);
        await EnsureReplicaIdentityAsync(connection, settings, cancellationToken);
    }

    /// <summary>Whether the slot exists; a slot of another output plugin is refused.</summary>
    public static async Task<bool> SlotExistsAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT plugin, database, database = current_database() FROM pg_replication_slots WHERE slot_name = @slot", connection);
        command.Parameters.AddWithValue("slot", slot);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }

        var (plugin, database, here) = (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
        return (plugin, here) switch
        {
            (not "pgoutput", _) => throw new FollowSetupException($"replication slot '{slot}' uses the plugin '{plugin}', not pgoutput: choose another --slot."),
            (_, false) => throw new FollowSetupException($"replication slot '{slot}' belongs to database '{database}' (slot names are cluster-wide): choose another --slot."),
            _ => true,
        };
    }

    private static async Task EnsurePublicationAsync(NpgsqlConnection connection, FollowSettings settings, CancellationToken cancellationToken)
    {
        var publication = settings.Publication;
        var exists = await Scalar(connection, $"SELECT 1 FROM pg_publication WHERE pubname = {Literal(publication)}", cancellationToken) is not null;
        var covered = exists
            ? await Strings(connection, $"SELECT tablename::text FROM pg_publication_tables WHERE pubname = {Literal(publication)} AND schemaname = 'public'", cancellationToken)
            : [];
        var missing = AuthentikTables.Published.Except(covered).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var tables = string.Join(", ", missing.Select(t => "public." + t));
        var statement = exists ? $"ALTER PUBLICATION {Identifier(publication)} ADD TABLE {tables}" : $"CREATE PUBLICATION {Identifier(publication)} FOR TABLE {tables}";
        if (!settings.CreatePublication)
        {
            throw new FollowSetupException(exists
                ? $"publication '{publication}' does not cover {string.Join(", ", missing)}: run with --create-publication, or as the tables' owner: {statement};"
                : $"publication '{publication}' does not exist: run with --create-publication, or as the tables' owner: {statement};");
        }

        await Execute(connection, statement, cancellationToken);
    }

    private static async Task EnsureReplicaIdentityAsync(NpgsqlConnection connection, FollowSettings settings, CancellationToken cancellationToken)
    {
        var notFull = await Strings(connection,
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY(@tables) AND c.relreplident <> 'f'",
            cancellationToken, AuthentikTables.NeedFullReplicaIdentity);
        if (notFull.Count == 0)
        {
            return;
        }

        var statements = string.Join(" ", notFull.Select(t => $"ALTER TABLE public.{t} REPLICA IDENTITY FULL;"));
        if (!settings.CreatePublication)
        {
            throw new FollowSetupException(
                $"{string.Join(", ", notFull)} must log whole rows on delete: run with --create-publication, or as the tables' owner: {statements}");
        }

        await Execute(connection, statements, cancellationToken);
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Identifier(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<string>> Strings(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, IReadOnlyList<string>? tables = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (sql.Contains("@tables", StringComparison.Ordinal))
        {
            command.Parameters.AddWithValue("tables", (tables ?? AuthentikTables.Published).ToArray());
        }

        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
