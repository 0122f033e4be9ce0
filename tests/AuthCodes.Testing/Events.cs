using System.Text.Json.Nodes;
using AuthCodes.Contract;

namespace AuthCodes.Testing;

/// <summary>CloudEvents JSON as a publisher writes it, with readable defaults.</summary>
public static class Events
{
    public const string Source = "https://auth.example.com/";

    /// <summary>A 16-digit microsecond version, as the contract's publishers write it.</summary>
    public const ulong V = 1_726_236_342_243_000;

    private static long idCounter;

    public static string Envelope(string entity, string action, string pk, ulong version, JsonObject? data, string? id = null, string source = Source) =>
        ChangeEventEnvelope.Create(
            id ?? $"evt-{Interlocked.Increment(ref idCounter):D8}", source, entity, action, pk, version, data?.DeepClone(), "2024-09-13T14:05:42.243Z")
            .ToJsonString();

    public static string Deleted(string entity, string pk, ulong version, string? id = null) =>
        Envelope(entity, ChangeEventType.Deleted, pk, version, new JsonObject { ["pk"] = PkNode(entity, pk) }, id);

    private static JsonValue PkNode(string entity, string pk) =>
        entity is EntityNames.Group or EntityNames.Application ? JsonValue.Create(pk) : JsonValue.Create(long.Parse(pk, System.Globalization.CultureInfo.InvariantCulture));

    public static JsonObject UserData(long pk, string? username = null, IEnumerable<Guid>? groups = null) => new()
    {
        ["pk"] = pk,
        ["username"] = username ?? $"user{pk}",
        ["name"] = $"User {pk}",
        ["is_active"] = true,
        ["last_login"] = "2024-09-01T08:00:00Z",
        ["groups"] = new JsonArray([.. (groups ?? []).Select(g => (JsonNode)JsonValue.Create(g.ToString()))]),
        ["email"] = $"user{pk}@example.com",
        ["avatar"] = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        ["attributes"] = new JsonObject { ["team"] = "blue" },
        ["uid"] = $"uid-{pk:D4}",
        ["path"] = "users",
        ["type"] = "internal",
        ["uuid"] = new Guid($"00000000-0000-4000-8000-{pk:D12}").ToString(),
    };

    public static string User(long pk, ulong version, string? username = null, IEnumerable<Guid>? groups = null, string? id = null) =>
        Envelope(EntityNames.User, ChangeEventType.Saved, pk.ToString(), version, UserData(pk, username, groups), id);

    public static JsonObject GroupData(Guid pk, string name, bool isSuperuser = false, Guid? parent = null) => new()
    {
        ["pk"] = pk.ToString(),
        ["name"] = name,
        ["is_superuser"] = isSuperuser,
        ["parent"] = parent?.ToString(),
        ["attributes"] = new JsonObject(),
    };

    public static string Group(Guid pk, ulong version, string name, bool isSuperuser = false, Guid? parent = null, string? id = null) =>
        Envelope(EntityNames.Group, ChangeEventType.Saved, pk.ToString(), version, GroupData(pk, name, isSuperuser, parent), id);

    public static JsonObject ProviderData(long pk, string? name = null, string clientSecret = "s3cr3t-provider") => new()
    {
        ["pk"] = pk,
        ["name"] = name ?? $"Provider {pk}",
        ["authentication_flow"] = null,
        ["authorization_flow"] = "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        ["property_mappings"] = new JsonArray("9a3b2c1d-0000-4000-8000-000000000001"),
        ["client_type"] = "confidential",
        ["client_id"] = $"client-{pk}",
        ["client_secret"] = clientSecret + pk,
        ["access_code_validity"] = "minutes=1",
        ["access_token_validity"] = "minutes=5",
        ["refresh_token_validity"] = "days=30",
        ["include_claims_in_id_token"] = true,
        ["signing_key"] = null,
        ["redirect_uris"] = $"https://app{pk}.example.com/callback",
        ["sub_mode"] = "hashed_user_id",
        ["issuer_mode"] = "per_provider",
        ["jwks_sources"] = new JsonArray(),
    };

    public static string Provider(long pk, ulong version, string? name = null, string? id = null) =>
        Envelope(EntityNames.Provider, ChangeEventType.Saved, pk.ToString(), version, ProviderData(pk, name), id);

    public static JsonObject ApplicationData(Guid pk, string slug, long? provider, params long[] backchannel) => new()
    {
        ["pk"] = pk.ToString(),
        ["slug"] = slug,
        ["name"] = slug.ToUpperInvariant(),
        ["provider"] = provider,
        ["backchannel_providers"] = new JsonArray([.. backchannel.Select(b => (JsonNode)JsonValue.Create(b))]),
    };

    public static string Application(Guid pk, ulong version, string slug, long? provider, params long[] backchannel) =>
        Envelope(EntityNames.Application, ChangeEventType.Saved, pk.ToString(), version, ApplicationData(pk, slug, provider, backchannel));

    public static JsonObject CodeData(long pk, long provider, long user, DateTimeOffset? expires = null) => new()
    {
        ["pk"] = pk,
        ["provider"] = provider,
        ["user"] = user,
        ["expires"] = (expires ?? Sample.Now.AddMinutes(10)).ToString("O"),
        ["expiring"] = true,
        ["scope"] = new JsonArray("openid", "profile"),
    };

    public static string Code(long pk, ulong version, long provider, long user, DateTimeOffset? expires = null, string? id = null) =>
        Envelope(EntityNames.AuthorizationCode, ChangeEventType.Saved, pk.ToString(), version, CodeData(pk, provider, user, expires), id);
}
