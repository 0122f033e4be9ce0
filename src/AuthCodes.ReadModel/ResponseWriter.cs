using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>What a response shows beyond the stored documents.</summary>
/// <param name="Now">The request time, for <c>is_expired</c>.</param>
/// <param name="IncludeGroups">False writes <c>groups_obj: null</c> (authentik's <c>include_groups</c>).</param>
/// <param name="ClientSecrets">Superusers only: provider pk to <c>client_secret</c>. Null omits the key.</param>
public readonly record struct RenderOptions(
    DateTimeOffset Now, bool IncludeGroups, IReadOnlyDictionary<long, string>? ClientSecrets);

/// <summary>
/// Writes authentik's JSON for this endpoint: its field set and field order, compact and escaped as DRF
/// renders it. Deliberate differences: the four <c>assigned_*</c> keys are always
/// present (null when none), and <c>client_secret</c> appears only for superusers.
/// </summary>
public static class ResponseWriter
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = DrfJsonEncoder.Instance,
        Indented = false,
        SkipValidation = true,
    };

    public static void WriteList(Utf8JsonWriter writer, PageEnvelope page, IReadOnlyList<CodeDocument> codes, RenderOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("pagination");
        WritePagination(writer, page);
        writer.WriteStartArray("results");
        foreach (var code in codes)
        {
            WriteCode(writer, code, options);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WritePagination(Utf8JsonWriter writer, PageEnvelope page)
    {
        writer.WriteStartObject();
        writer.WriteNumber("next", page.Next);
        writer.WriteNumber("previous", page.Previous);
        writer.WriteNumber("count", page.Count);
        writer.WriteNumber("current", page.Current);
        writer.WriteNumber("total_pages", page.TotalPages);
        writer.WriteNumber("start_index", page.StartIndex);
        writer.WriteNumber("end_index", page.EndIndex);
        writer.WriteEndObject();
    }

    /// <summary>One code: from its rendering once (<see cref="RenderedCode"/>) when the store keeps the document.</summary>
    public static void WriteCode(Utf8JsonWriter writer, CodeDocument code, RenderOptions options)
    {
        if (RenderedCode.Of(code) is { } rendered)
        {
            rendered.WriteTo(writer, options);
        }
        else
        {
            WriteFields(writer, code, options);
        }
    }

    internal static void WriteFields(Utf8JsonWriter writer, CodeDocument code, RenderOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("pk", code.Pk);
        writer.WritePropertyName("provider");
        WriteProvider(writer, code.Provider, options.ClientSecrets);
        writer.WritePropertyName("user");
        WriteUser(writer, code.User, options.IncludeGroups);
        writer.WriteBoolean("is_expired", code.IsExpiredAt(options.Now));
        WriteDateTime(writer, "expires", code.Expires);
        writer.WriteStartArray("scope");
        foreach (var scope in code.Scope)
        {
            writer.WriteStringValue(scope);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteProvider(Utf8JsonWriter writer, ProviderView provider, IReadOnlyDictionary<long, string>? clientSecrets)
    {
        writer.WriteStartObject();
        writer.WriteNumber("pk", provider.Pk);
        writer.WriteString("name", provider.Name);
        WriteGuid(writer, "authentication_flow", provider.AuthenticationFlow);
        WriteGuid(writer, "authorization_flow", provider.AuthorizationFlow);
        WriteGuids(writer, "property_mappings", provider.PropertyMappings);
        writer.WriteString("component", ProviderView.Component);
        writer.WriteString("assigned_application_slug", provider.AssignedApplicationSlug);
        writer.WriteString("assigned_application_name", provider.AssignedApplicationName);
        writer.WriteString("assigned_backchannel_application_slug", provider.AssignedBackchannelApplicationSlug);
        writer.WriteString("assigned_backchannel_application_name", provider.AssignedBackchannelApplicationName);
        writer.WriteString("verbose_name", ProviderView.VerboseName);
        writer.WriteString("verbose_name_plural", ProviderView.VerboseNamePlural);
        writer.WriteString("meta_model_name", ProviderView.MetaModelName);
        writer.WriteString("client_type", provider.ClientType);
        writer.WriteString("client_id", provider.ClientId);
        if (clientSecrets is not null)
        {
            writer.WriteString("client_secret", clientSecrets.GetValueOrDefault(provider.Pk, ""));
        }

        writer.WriteString("access_code_validity", provider.AccessCodeValidity);
        writer.WriteString("access_token_validity", provider.AccessTokenValidity);
        writer.WriteString("refresh_token_validity", provider.RefreshTokenValidity);
        writer.WriteBoolean("include_claims_in_id_token", provider.IncludeClaimsInIdToken);
        WriteGuid(writer, "signing_key", provider.SigningKey);
        writer.WriteString("redirect_uris", provider.RedirectUris);
        writer.WriteString("sub_mode", provider.SubMode);
        writer.WriteString("issuer_mode", provider.IssuerMode);
        WriteGuids(writer, "jwks_sources", provider.JwksSources);
        writer.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter writer, UserView user, bool includeGroups)
    {
        writer.WriteStartObject();
        writer.WriteNumber("pk", user.Pk);
        writer.WriteString("username", user.Username);
        writer.WriteString("name", user.Name);
        writer.WriteBoolean("is_active", user.IsActive);
        WriteDateTime(writer, "last_login", user.LastLogin);
        writer.WriteBoolean("is_superuser", user.IsSuperuser);
        WriteGuids(writer, "groups", user.Groups);
        if (includeGroups)
        {
            writer.WriteStartArray("groups_obj");
            foreach (var group in user.GroupsObj)
            {
                WriteGroup(writer, group);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteNull("groups_obj");
        }

        writer.WriteString("email", user.Email);
        writer.WriteString("avatar", user.Avatar);
        WriteObject(writer, "attributes", user.Attributes);
        writer.WriteString("uid", user.Uid);
        writer.WriteString("path", user.Path);
        writer.WriteString("type", user.Type);
        writer.WriteString("uuid", user.Uuid);
        writer.WriteEndObject();
    }

    private static void WriteGroup(Utf8JsonWriter writer, UserGroupView group)
    {
        writer.WriteStartObject();
        writer.WriteString("pk", group.Pk);
        writer.WriteNumber("num_pk", group.NumPk);
        writer.WriteString("name", group.Name);
        writer.WriteBoolean("is_superuser", group.IsSuperuser);
        WriteGuid(writer, "parent", group.Parent);
        writer.WriteString("parent_name", group.ParentName);
        WriteObject(writer, "attributes", group.Attributes);
        writer.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter writer, string name, JsonElement value)
    {
        writer.WritePropertyName(name);
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    private static void WriteDateTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } dateTime)
        {
            writer.WriteString(name, DrfDateTime.Format(dateTime));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteGuid(Utf8JsonWriter writer, string name, Guid? value)
    {
        if (value is { } guid)
        {
            writer.WriteString(name, guid);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static void WriteGuids(Utf8JsonWriter writer, string name, IReadOnlyList<Guid> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>A DRF error body: <c>{"detail": "..."}</c>.</summary>
    public static void WriteDetail(Utf8JsonWriter writer, string detail)
    {
        writer.WriteStartObject();
        writer.WriteString("detail", detail);
        writer.WriteEndObject();
    }

    /// <summary>A DRF validation error body: <c>{"field": ["message", ...], ...}</c>, in the given order.</summary>
    public static void WriteFieldErrors(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, string>> errors)
    {
        writer.WriteStartObject();
        foreach (var (field, message) in errors)
        {
            writer.WriteStartArray(field);
            writer.WriteStringValue(message);
            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
