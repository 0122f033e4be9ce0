using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>
/// Reads and validates one entity's <c>data</c> (snake_case, authentik's API field names) into its
/// normalized state. Required: each entity's <c>pk</c> and the fields listed in the JSON Schemas'
/// <c>required</c>; absent optional fields take authentik's defaults; unknown fields are ignored;
/// the code secrets are never read.
/// </summary>
internal static class EntityDataReader
{
    public static EntityKey ReadKey(EntityKind kind, JsonObject data) => kind switch
    {
        EntityKind.Group => EntityKey.Group(RequiredGuid(data, "pk")),
        EntityKind.Application => EntityKey.Application(RequiredGuid(data, "pk")),
        _ => EntityKey.Of(kind, RequiredInt64(data, "pk")),
    };

    /// <summary>The contract's <c>data</c> fields of an entity (<c>docs/events.md</c>), secrets excluded: what a rejection record keeps.</summary>
    public static IReadOnlySet<string> ContractFields(EntityKind kind) => kind switch
    {
        EntityKind.AuthorizationCode => CodeFields,
        EntityKind.User => UserFields,
        EntityKind.Group => GroupFields,
        EntityKind.Provider => ProviderFields,
        EntityKind.Application => ApplicationFields,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static readonly HashSet<string> CodeFields = ["pk", "provider", "user", "expires", "expiring", "scope"];
    private static readonly HashSet<string> UserFields =
        ["pk", "username", "name", "is_active", "last_login", "groups", "email", "avatar", "attributes", "uid", "path", "type", "uuid"];
    private static readonly HashSet<string> GroupFields = ["pk", "name", "is_superuser", "parent", "attributes"];
    private static readonly HashSet<string> ProviderFields =
    [
        "pk", "name", "authentication_flow", "authorization_flow", "property_mappings", "client_type", "client_id",
        "access_code_validity", "access_token_validity", "refresh_token_validity", "include_claims_in_id_token",
        "signing_key", "redirect_uris", "sub_mode", "issuer_mode", "jwks_sources",
    ];
    private static readonly HashSet<string> ApplicationFields = ["pk", "slug", "name", "provider", "backchannel_providers"];

    public static EntityState Read(EntityKind kind, JsonObject data) => kind switch
    {
        EntityKind.AuthorizationCode => ReadCode(data),
        EntityKind.User => ReadUser(data),
        EntityKind.Group => ReadGroup(data),
        EntityKind.Provider => ReadProvider(data),
        EntityKind.Application => ReadApplication(data),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static CodeState ReadCode(JsonObject data) => new(
        Pk: RequiredInt64(data, "pk"),
        Provider: RequiredInt64(data, "provider"),
        User: RequiredInt64(data, "user"),
        Expires: OptionalDateTime(data, "expires"),
        Expiring: OptionalBool(data, "expiring", true),
        Scope: ReadScope(data));

    private static UserState ReadUser(JsonObject data) => new(
        Pk: RequiredInt64(data, "pk"),
        Username: RequiredString(data, "username"),
        Name: OptionalString(data, "name", ""),
        IsActive: OptionalBool(data, "is_active", true),
        LastLogin: OptionalDateTime(data, "last_login"),
        Groups: GuidList(data, "groups"),
        Email: OptionalString(data, "email", ""),
        Avatar: OptionalString(data, "avatar", ""),
        Attributes: OptionalObject(data, "attributes"),
        Uid: OptionalString(data, "uid", ""),
        Path: OptionalString(data, "path", "users"),
        Type: OptionalString(data, "type", "internal"),
        Uuid: RequiredGuid(data, "uuid"));

    private static GroupState ReadGroup(JsonObject data) => new(
        Pk: RequiredGuid(data, "pk"),
        Name: RequiredString(data, "name"),
        IsSuperuser: OptionalBool(data, "is_superuser", false),
        Parent: OptionalGuid(data, "parent"),
        Attributes: OptionalObject(data, "attributes"));

    private static ProviderState ReadProvider(JsonObject data) => new(
        Pk: RequiredInt64(data, "pk"),
        Name: RequiredString(data, "name"),
        AuthenticationFlow: OptionalGuid(data, "authentication_flow"),
        AuthorizationFlow: OptionalGuid(data, "authorization_flow"),
        PropertyMappings: GuidList(data, "property_mappings"),
        ClientType: OptionalString(data, "client_type", "confidential"),
        ClientId: RequiredString(data, "client_id"),
        ClientSecret: OptionalString(data, "client_secret", ""),
        AccessCodeValidity: OptionalString(data, "access_code_validity", "minutes=1"),
        AccessTokenValidity: OptionalString(data, "access_token_validity", "hours=1"),
        RefreshTokenValidity: OptionalString(data, "refresh_token_validity", "days=30"),
        IncludeClaimsInIdToken: OptionalBool(data, "include_claims_in_id_token", true),
        SigningKey: OptionalGuid(data, "signing_key"),
        RedirectUris: ReadRedirectUris(data),
        SubMode: OptionalString(data, "sub_mode", "hashed_user_id"),
        IssuerMode: OptionalString(data, "issuer_mode", "per_provider"),
        JwksSources: GuidList(data, "jwks_sources"));

    private static ApplicationState ReadApplication(JsonObject data) => new(
        Pk: RequiredGuid(data, "pk"),
        Slug: RequiredString(data, "slug"),
        Name: RequiredString(data, "name"),
        Provider: OptionalInt64(data, "provider"),
        BackchannelProviders: Int64List(data, "backchannel_providers"));

    /// <summary>A list of strings, or one string split on any whitespace (empty entries dropped).</summary>
    private static string[] ReadScope(JsonObject data)
    {
        var node = data["scope"];
        return Kind(node) switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => [],
            JsonValueKind.String => ((string)node!).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
            JsonValueKind.Array => [.. node!.AsArray().Select(item => Kind(item) == JsonValueKind.String
                ? (string)item!
                : throw Invalid("scope", "a list of strings or a whitespace-separated string"))],
            _ => throw Invalid("scope", "a list of strings or a whitespace-separated string"),
        };
    }

    /// <summary>authentik 2024.8's newline-separated string, or the later list of <c>{matching_mode, url}</c>: the API writes the urls newline-separated.</summary>
    private static string ReadRedirectUris(JsonObject data)
    {
        const string expected = "a newline-separated string or a list of {\"matching_mode\", \"url\"} objects";
        var node = data["redirect_uris"];
        return Kind(node) switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => "",
            JsonValueKind.String => (string)node!,
            JsonValueKind.Array => string.Join('\n', node!.AsArray().Select(item =>
                item is JsonObject entry && Kind(entry["url"]) == JsonValueKind.String
                    ? (string)entry["url"]!
                    : throw Invalid("redirect_uris", expected))),
            _ => throw Invalid("redirect_uris", expected),
        };
    }

    private static JsonValueKind Kind(JsonNode? node) => node is null ? JsonValueKind.Null : node.GetValueKind();

    private static ContractViolation Invalid(string field, string expected) => new($"data.{field} must be {expected}.");

    private static long RequiredInt64(JsonObject data, string field) =>
        OptionalInt64(data, field) ?? throw Invalid(field, "an integer (required)");

    private static long? OptionalInt64(JsonObject data, string field) =>
        Optional<long>(data, field, "an integer", node => Int64Of(node));

    private static long? Int64Of(JsonNode? node) =>
        Kind(node) == JsonValueKind.Number
        && (node!.AsValue().TryGetValue<long>(out var value)
            || (node.AsValue().TryGetValue<JsonElement>(out var element) && element.TryGetInt64(out value)))
            ? value
            : null;

    /// <summary>A nullable scalar field (absent or null: null); <paramref name="read"/> answers null for a value of the wrong kind.</summary>
    private static T? Optional<T>(JsonObject data, string field, string expected, Func<JsonNode?, T?> read)
        where T : struct =>
        Kind(data[field]) == JsonValueKind.Null ? null : read(data[field]) ?? throw Invalid(field, expected);

    private static string RequiredString(JsonObject data, string field) =>
        Kind(data[field]) == JsonValueKind.String ? (string)data[field]! : throw Invalid(field, "a string (required)");

    private static string OptionalString(JsonObject data, string field, string fallback)
    {
        var node = data[field];
        return Kind(node) switch
        {
            JsonValueKind.Null when !data.ContainsKey(field) => fallback,
            JsonValueKind.String => (string)node!,
            _ => throw Invalid(field, "a string"),
        };
    }

    private static bool OptionalBool(JsonObject data, string field, bool fallback)
    {
        var node = data[field];
        return Kind(node) switch
        {
            JsonValueKind.Null when !data.ContainsKey(field) => fallback,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(field, "a boolean"),
        };
    }

    private static Guid RequiredGuid(JsonObject data, string field) =>
        OptionalGuid(data, field) ?? throw Invalid(field, "a uuid (required)");

    private static Guid? OptionalGuid(JsonObject data, string field) =>
        Optional<Guid>(data, field, "a uuid", node => GuidOf(node));

    private static Guid? GuidOf(JsonNode? node) =>
        Kind(node) == JsonValueKind.String && Guid.TryParse((string)node!, out var guid) ? guid : null;

    private static DateTimeOffset? OptionalDateTime(JsonObject data, string field) =>
        Optional<DateTimeOffset>(data, field, "an RFC 3339 date-time or null", node =>
            Kind(node) == JsonValueKind.String
            && DateTimeOffset.TryParse((string)node!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
                ? DrfDateTime.Normalize(value)
                : null);

    private static JsonElement OptionalObject(JsonObject data, string field)
    {
        var node = data[field];
        return Kind(node) switch
        {
            JsonValueKind.Null when !data.ContainsKey(field) => JsonSerializer.SerializeToElement(new JsonObject()),
            JsonValueKind.Object => JsonSerializer.SerializeToElement(node),
            _ => throw Invalid(field, "a JSON object"),
        };
    }

    private static IReadOnlyList<Guid> GuidList(JsonObject data, string field) =>
        List<Guid>(data, field, "a list of uuids", GuidOf);

    private static IReadOnlyList<long> Int64List(JsonObject data, string field) =>
        List<long>(data, field, "a list of integers", item =>
            Kind(item) == JsonValueKind.Number && item!.AsValue().TryGetValue<long>(out var value) ? value : null);

    /// <summary>An optional list field (absent: empty); <paramref name="read"/> answers null for an element of the wrong kind.</summary>
    private static IReadOnlyList<T> List<T>(JsonObject data, string field, string expected, Func<JsonNode?, T?> read)
        where T : struct
    {
        var node = data[field];
        return Kind(node) switch
        {
            JsonValueKind.Null when !data.ContainsKey(field) => [],
            JsonValueKind.Array => [.. node!.AsArray().Select(item => read(item) ?? throw Invalid(field, expected))],
            _ => throw Invalid(field, expected),
        };
    }
}
