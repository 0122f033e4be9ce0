using System.Text.Json.Nodes;
using AuthCodes.Publishing;
using Npgsql;

namespace AuthCodes.Follow;

/// <summary>
/// Reads users, groups, OAuth2 providers, applications and codes whole by SQL, as authentik's API
/// serializes them (backfill's events for the same state are equal). With keys: those entities,
/// a key that no longer exists coming back as <see cref="EntityState.Gone"/>; without: everything.
/// </summary>
internal static class EntityReader
{
    public static async Task<List<EntityState>> ReadAsync(NpgsqlConnection connection, EntityKeys? keys, CancellationToken cancellationToken)
    {
        var states = new List<EntityState>();
        if (keys is null || keys.Groups.Count > 0)
        {
            states.AddRange(await ReadGroupsAsync(connection, keys?.Groups, cancellationToken));
        }

        if (keys is null || keys.AllUsers || keys.Users.Count > 0)
        {
            states.AddRange(await ReadUsersAsync(connection, keys is null || keys.AllUsers ? null : keys.Users, cancellationToken));
        }

        if (keys is null || keys.Providers.Count > 0)
        {
            states.AddRange(await ReadProvidersAsync(connection, keys?.Providers, cancellationToken));
        }

        if (keys is null || keys.Applications.Count > 0)
        {
            states.AddRange(await ReadApplicationsAsync(connection, keys?.Applications, cancellationToken));
        }

        return states;
    }

    /// <summary>Codes by SQL: the initial load (all), or a code whose replicated row lacked a value.</summary>
    public static async Task<List<EntityState>> ReadCodesAsync(NpgsqlConnection connection, HashSet<long>? keys, CancellationToken cancellationToken)
    {
        var sql = $"SELECT id, provider_id, user_id, expires, expiring, _scope FROM {AuthentikTables.Code} {Where("id", keys)} ORDER BY id";
        var found = await QueryAsync(connection, sql, keys?.Select(k => (int)k).ToArray(), reader => ((long)reader.GetInt32(0), (IEntityData?)CodeRows.Code(
            reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2),
            reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetDateTime(3)), reader.GetBoolean(4), reader.GetString(5))), cancellationToken);
        return WithGone(found, keys, EntityNames.AuthorizationCode, Invariant);
    }

    private static async Task<List<EntityState>> ReadGroupsAsync(NpgsqlConnection connection, HashSet<Guid>? keys, CancellationToken cancellationToken)
    {
        var sql = $"SELECT group_uuid, name, is_superuser, parent_id, attributes::text FROM {AuthentikTables.Group} {Where("group_uuid", keys)} ORDER BY group_uuid";
        var found = await QueryAsync(connection, sql, keys?.ToArray(), reader => (reader.GetGuid(0), (IEntityData?)new GroupData(reader.GetGuid(0), reader.GetString(1))
        {
            IsSuperuser = reader.GetBoolean(2),
            Parent = reader.IsDBNull(3) ? null : reader.GetGuid(3),
            Attributes = JsonObject(reader.GetString(4)),
        }), cancellationToken);
        return WithGone(found, keys, EntityNames.Group, k => k.ToString("D"));
    }

    private static async Task<List<EntityState>> ReadUsersAsync(NpgsqlConnection connection, HashSet<long>? keys, CancellationToken cancellationToken)
    {
        var fields = await UserFieldsAsync(connection, cancellationToken);
        var sql = $"""
            SELECT u.id, u.username, u.name, u.is_active, u.last_login, u.email, u.attributes::text, u.path, u.type, u.uuid,
                   ARRAY(SELECT m.group_id FROM {AuthentikTables.Membership} m WHERE m.user_id = u.id ORDER BY m.id)
            FROM {AuthentikTables.User} u {Where("u.id", keys)} ORDER BY u.id
            """;
        var found = await QueryAsync(connection, sql, keys?.Select(k => (int)k).ToArray(), reader =>
        {
            var id = reader.GetInt32(0);
            var attributes = JsonObject(reader.GetString(6));
            var (username, name, email) = (reader.GetString(1), reader.GetString(2), reader.GetString(5));
            return ((long)id, (IEntityData?)new UserData(id, username, reader.GetGuid(9))
            {
                Name = name,
                IsActive = reader.GetBoolean(3),
                LastLogin = reader.IsDBNull(4) ? null : new DateTimeOffset(reader.GetDateTime(4)),
                Groups = reader.GetFieldValue<Guid[]>(10),
                Email = email,
                Avatar = fields.Avatar(new AvatarSubject(username, name, email, attributes)),
                Attributes = attributes,
                Uid = fields.Uid(id),
                Path = reader.GetString(7),
                Type = reader.GetString(8),
            });
        }, cancellationToken);
        return WithGone(found, keys, EntityNames.User, Invariant);
    }

    /// <summary>Only OAuth2 providers are the read model's; another kind of provider (a row only in the base table) is skipped, not deleted.</summary>
    private static async Task<List<EntityState>> ReadProvidersAsync(NpgsqlConnection connection, HashSet<long>? keys, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT p.id, p.name, o.client_id, p.authentication_flow_id, p.authorization_flow_id, o.client_type, o.client_secret,
                   o.access_code_validity, o.access_token_validity, o.refresh_token_validity, o.include_claims_in_id_token,
                   o.signing_key_id, o.redirect_uris, o.sub_mode, o.issuer_mode,
                   ARRAY(SELECT m.propertymapping_id FROM {AuthentikTables.PropertyMappings} m WHERE m.provider_id = p.id ORDER BY m.id),
                   ARRAY(SELECT j.oauthsource_id FROM {AuthentikTables.JwksSources} j WHERE j.oauth2provider_id = p.id ORDER BY j.id)
            FROM {AuthentikTables.Provider} p LEFT JOIN {AuthentikTables.OAuth2Provider} o ON o.provider_ptr_id = p.id
            {Where("p.id", keys)} ORDER BY p.id
            """;
        var found = await QueryAsync(connection, sql, keys?.Select(k => (int)k).ToArray(), reader => ((long)reader.GetInt32(0), reader.IsDBNull(2)
            ? null
            : (IEntityData?)new ProviderData(reader.GetInt32(0), reader.GetString(1), reader.GetString(2))
            {
                AuthenticationFlow = NullableGuid(reader, 3),
                AuthorizationFlow = NullableGuid(reader, 4),
                ClientType = reader.GetString(5),
                ClientSecret = reader.GetString(6),
                AccessCodeValidity = reader.GetString(7),
                AccessTokenValidity = reader.GetString(8),
                RefreshTokenValidity = reader.GetString(9),
                IncludeClaimsInIdToken = reader.GetBoolean(10),
                SigningKey = NullableGuid(reader, 11),
                RedirectUris = reader.GetString(12),
                SubMode = reader.GetString(13),
                IssuerMode = reader.GetString(14),
                PropertyMappings = reader.GetFieldValue<Guid[]>(15),
                JwksSources = reader.GetFieldValue<Guid[]>(16),
            }), cancellationToken);
        return WithGone(found, keys, EntityNames.Provider, Invariant);
    }

    private static async Task<List<EntityState>> ReadApplicationsAsync(NpgsqlConnection connection, HashSet<Guid>? keys, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT a.policybindingmodel_ptr_id, a.slug, a.name, a.provider_id,
                   ARRAY(SELECT p.id FROM {AuthentikTables.Provider} p WHERE p.backchannel_application_id = a.policybindingmodel_ptr_id ORDER BY p.id)
            FROM {AuthentikTables.Application} a {Where("a.policybindingmodel_ptr_id", keys)} ORDER BY a.policybindingmodel_ptr_id
            """;
        var found = await QueryAsync(connection, sql, keys?.ToArray(), reader => (reader.GetGuid(0), (IEntityData?)new ApplicationData(reader.GetGuid(0), reader.GetString(1), reader.GetString(2))
        {
            Provider = reader.IsDBNull(3) ? null : reader.GetInt32(3),
            BackchannelProviders = [.. reader.GetFieldValue<int[]>(4).Select(id => (long)id)],
        }), cancellationToken);
        return WithGone(found, keys, EntityNames.Application, k => k.ToString("D"));
    }

    /// <summary>The install id (for <c>uid</c>) and the default tenant's avatar modes.</summary>
    private static async Task<AuthentikUserFields> UserFieldsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sql = $"SELECT (SELECT id FROM {AuthentikTables.InstallId} LIMIT 1), (SELECT avatars FROM {AuthentikTables.Tenant} WHERE schema_name = 'public')";
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var installId = reader.IsDBNull(0) ? throw new FollowSetupException($"{AuthentikTables.InstallId} is empty: authentik has not finished its first start.") : reader.GetString(0);
        return new AuthentikUserFields(installId, reader.IsDBNull(1) ? AuthentikUserFields.DefaultAvatarModes : reader.GetString(1));
    }

    private static string Where<TKey>(string column, HashSet<TKey>? keys) => keys is null ? "" : $"WHERE {column} = ANY(@keys)";

    private static async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection connection, string sql, Array? keys, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (keys is not null)
        {
            command.Parameters.AddWithValue("keys", keys);
        }

        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Rows found become saved states (a row of no interest, data null, none); asked-for keys not found, gone.</summary>
    private static List<EntityState> WithGone<TKey>(List<(TKey Key, IEntityData? Data)> found, HashSet<TKey>? keys, string entity, Func<TKey, string> format)
        where TKey : notnull
    {
        var states = found.Where(f => f.Data is not null).Select(f => (EntityState)new EntityState.Saved(f.Data!)).ToList();
        if (keys is not null)
        {
            var present = found.Select(f => f.Key).ToHashSet();
            states.AddRange(keys.Where(k => !present.Contains(k)).Select(k => new EntityState.Gone(entity, format(k))));
        }

        return states;
    }

    private static string Invariant(long key) => key.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);

    private static JsonObject JsonObject(string json) => JsonNode.Parse(json) as JsonObject ?? [];
}
