using Npgsql;

namespace AuthCodes.Testing.Postgres;

/// <summary>Writes authentik's rows the way Django does (every NOT NULL column explicit, FKs checked at commit).</summary>
public sealed class AuthentikRows(string connectionString) : IAsyncDisposable
{
    public const string InstallId = "8d3c1d0e-5f7a-4c1b-9a8e-2b6f0c4d7e91";

    private NpgsqlConnection? connection;

    /// <summary>Runs the statements in one transaction (one commit, one LSN).</summary>
    public async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        if (connection is null)
        {
            connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
        }

        await using var command = new NpgsqlCommand($"BEGIN; {sql}; COMMIT;", connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The current WAL position: every commit after this call has a higher LSN (the follower's entityversion).</summary>
    public async Task<ulong> WalPositionAsync()
    {
        await ExecuteAsync("SELECT 1");
        await using var command = new NpgsqlCommand("SELECT (pg_current_wal_lsn() - '0/0')::bigint", connection);
        return (ulong)(long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The number a <c>SELECT count(*)</c> returns.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await ExecuteAsync("SELECT 1");
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a script as it is (a DO block that commits as it goes, for the benchmark's backlog).</summary>
    public async Task ExecuteScriptAsync(string sql)
    {
        await ExecuteAsync("SELECT 1");
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public static string Group(Guid pk, string name, bool superuser = false, Guid? parent = null) =>
        $"INSERT INTO authentik_core_group (group_uuid, name, is_superuser, attributes, parent_id) VALUES ('{pk}', '{name}', {superuser}, '{{}}', {Uuid(parent)})";

    public static string User(long id, string username, string name, string email = "", string attributes = "{}") =>
        $"""
        INSERT INTO authentik_core_user (id, password, last_login, first_name, last_name, is_active, date_joined, uuid, name,
            password_change_date, attributes, email, username, path, type)
        VALUES ({id}, '', NULL, '', '', true, '2024-09-01T00:00:00Z', '00000000-0000-4000-8000-{id:D12}', '{name}',
            '2024-09-01T00:00:00Z', '{attributes}', '{(email.Length > 0 ? email : username + "@example.com")}', '{username}', 'users', 'internal')
        """;

    public static string Membership(long user, Guid group) =>
        $"INSERT INTO authentik_core_user_ak_groups (user_id, group_id) VALUES ({user}, '{group}')";

    public static string Provider(long id, string name) =>
        $"""
        INSERT INTO authentik_core_provider (id, name, authorization_flow_id, authentication_flow_id, backchannel_application_id, is_backchannel)
        VALUES ({id}, '{name}', '3fa85f64-5717-4562-b3fc-2c963f66afa6', NULL, NULL, false);
        INSERT INTO authentik_providers_oauth2_oauth2provider (provider_ptr_id, client_type, client_id, client_secret, redirect_uris,
            include_claims_in_id_token, access_code_validity, refresh_token_validity, sub_mode, issuer_mode, signing_key_id, access_token_validity, encryption_key_id)
        VALUES ({id}, 'confidential', 'client-{id}', 'secret-{id}', 'https://app{id}.example.com/cb', true, 'minutes=1', 'days=30',
            'hashed_user_id', 'per_provider', NULL, 'minutes=5', NULL)
        """;

    public static string Application(Guid pk, string slug, long? provider) =>
        $"""
        INSERT INTO authentik_policies_policybindingmodel (pbm_uuid, policy_engine_mode) VALUES ('{pk}', 'any');
        INSERT INTO authentik_core_application (policybindingmodel_ptr_id, name, slug, meta_launch_url, meta_description, meta_publisher,
            provider_id, meta_icon, "group", open_in_new_tab)
        VALUES ('{pk}', '{slug.ToUpperInvariant()}', '{slug}', '', '', '', {(provider is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NULL")}, NULL, '', false)
        """;

    public static string Code(long id, long provider, long user, DateTimeOffset expires, string scope = "openid profile") =>
        $"""
        INSERT INTO authentik_providers_oauth2_authorizationcode (id, expires, expiring, _scope, code, nonce, code_challenge,
            code_challenge_method, provider_id, user_id, revoked, auth_time, session_id)
        VALUES ({id}, '{expires.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}+00', true, '{scope}', 'secret-code-{id}', 'n', NULL, NULL, {provider}, {user}, false,
            '2024-09-13T14:05:00Z', 'session-{id}')
        """;

    private static string Uuid(Guid? value) => value is { } v ? $"'{v}'" : "NULL";

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}
