using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AuthCodes.Publishing;

/// <summary>
/// The <c>data</c> of a <c>saved</c> event: one entity's whole state, serialized snake_case with
/// authentik's API field names (docs/events.md). Each type carries only its own entity's fields and
/// foreign keys; everything spanning entities is derived by the projector.
/// </summary>
public interface IEntityData
{
    /// <summary>The contract's entity name (<c>user</c>, <c>authorization_code</c>, ...).</summary>
    [JsonIgnore]
    string Entity { get; }

    /// <summary>The pk as the subject writes it (<c>42</c>, or a uuid in its "D" form).</summary>
    [JsonIgnore]
    string Key { get; }
}

/// <summary>An authorization code without its secrets (<c>code</c>, <c>nonce</c>, PKCE, session): those are never published.</summary>
public sealed record AuthorizationCodeData(long Pk, long Provider, long User) : IEntityData
{
    public DateTimeOffset? Expires { get; init; }

    public bool Expiring { get; init; } = true;

    public IReadOnlyList<string> Scope { get; init; } = [];

    string IEntityData.Entity => EntityNames.AuthorizationCode;

    string IEntityData.Key => Pk.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A user; <c>groups</c> are the direct groups in order (superuser status and group objects are derived).</summary>
public sealed record UserData(long Pk, string Username, Guid Uuid) : IEntityData
{
    public string Name { get; init; } = "";

    public bool IsActive { get; init; } = true;

    public DateTimeOffset? LastLogin { get; init; }

    public IReadOnlyList<Guid> Groups { get; init; } = [];

    public string Email { get; init; } = "";

    public string Avatar { get; init; } = "";

    public JsonObject Attributes { get; init; } = [];

    public string Uid { get; init; } = "";

    public string Path { get; init; } = "users";

    public string Type { get; init; } = "internal";

    string IEntityData.Entity => EntityNames.User;

    string IEntityData.Key => Pk.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record GroupData(Guid Pk, string Name) : IEntityData
{
    public bool IsSuperuser { get; init; }

    public Guid? Parent { get; init; }

    public JsonObject Attributes { get; init; } = [];

    string IEntityData.Entity => EntityNames.Group;

    string IEntityData.Key => Pk.ToString("D");
}

/// <summary>An OAuth2 provider. <c>client_secret</c> is kept only in the provider's own snapshot by the read model.</summary>
public sealed record ProviderData(long Pk, string Name, string ClientId) : IEntityData
{
    public Guid? AuthenticationFlow { get; init; }

    public Guid? AuthorizationFlow { get; init; }

    public IReadOnlyList<Guid> PropertyMappings { get; init; } = [];

    public string ClientType { get; init; } = "confidential";

    public string ClientSecret { get; init; } = "";

    public string AccessCodeValidity { get; init; } = "minutes=1";

    public string AccessTokenValidity { get; init; } = "hours=1";

    public string RefreshTokenValidity { get; init; } = "days=30";

    public bool IncludeClaimsInIdToken { get; init; } = true;

    public Guid? SigningKey { get; init; }

    /// <summary>Newline-separated (authentik 2024.8); a later authentik's list of <c>{matching_mode, url}</c> is read as its urls.</summary>
    [JsonConverter(typeof(RedirectUrisConverter))]
    public string RedirectUris { get; init; } = "";

    public string SubMode { get; init; } = "hashed_user_id";

    public string IssuerMode { get; init; } = "per_provider";

    public IReadOnlyList<Guid> JwksSources { get; init; } = [];

    string IEntityData.Entity => EntityNames.Provider;

    string IEntityData.Key => Pk.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record ApplicationData(Guid Pk, string Slug, string Name) : IEntityData
{
    public long? Provider { get; init; }

    public IReadOnlyList<long> BackchannelProviders { get; init; } = [];

    string IEntityData.Entity => EntityNames.Application;

    string IEntityData.Key => Pk.ToString("D");
}

/// <summary>Reads a newline-separated string or a list of <c>{"matching_mode", "url"}</c>; writes the string.</summary>
internal sealed class RedirectUrisConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return "";
            case JsonTokenType.String:
                return reader.GetString()!;
            case JsonTokenType.StartArray:
                var urls = new List<string>();
                foreach (var entry in JsonElement.ParseValue(ref reader).EnumerateArray())
                {
                    urls.Add(entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                        ? url.GetString()!
                        : throw new JsonException("redirect_uris: expected a list of {\"matching_mode\", \"url\"} objects."));
                }

                return string.Join('\n', urls);
            default:
                throw new JsonException("redirect_uris: expected a newline-separated string or a list of {\"matching_mode\", \"url\"} objects.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
