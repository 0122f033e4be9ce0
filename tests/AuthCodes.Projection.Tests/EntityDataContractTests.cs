using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// Each entity's <c>data</c> as docs/events.md lists it: the fields a rejection record keeps (every
/// contract field, nothing else), the defaults of absent optional fields, and an explicit null where
/// the contract allows none.
/// </summary>
public sealed class EntityDataContractTests
{
    private readonly ChangeEventParser parser = new(null);

    private ParsedEvent Parse(string entity, string pk, JsonObject data) =>
        parser.Parse(BinaryData.FromString(Envelope(entity, "saved", pk, V, data)));

    public static TheoryData<string, string[]> ContractFields() => new()
    {
        { "authorization_code", ["pk", "provider", "user", "expires", "expiring", "scope"] },
        { "user", ["pk", "username", "name", "is_active", "last_login", "groups", "email", "avatar", "attributes", "uid", "path", "type", "uuid"] },
        { "group", ["pk", "name", "is_superuser", "parent", "attributes"] },
        {
            "provider",
            ["pk", "name", "authentication_flow", "authorization_flow", "property_mappings", "client_type", "client_id",
             "access_code_validity", "access_token_validity", "refresh_token_validity", "include_claims_in_id_token",
             "signing_key", "redirect_uris", "sub_mode", "issuer_mode", "jwks_sources"]
        },
        { "application", ["pk", "slug", "name", "provider", "backchannel_providers"] },
    };

    [Theory]
    [MemberData(nameof(ContractFields))]
    public void A_rejection_record_keeps_every_contract_field_and_nothing_else(string entity, string[] fields)
    {
        var data = new JsonObject { ["unknown"] = 1, ["client_secret"] = "s" };
        foreach (var field in fields)
        {
            data[field] = 1; // a number where most fields want another kind: the event is rejected
        }

        data["pk"] = "not-a-pk";

        var rejection = Parse(entity, "1", data).Rejection!;

        var kept = JsonNode.Parse(rejection.SanitizedBody!)!["data"]!.AsObject();
        Assert.Equal(fields, kept.Select(p => p.Key));
    }

    [Fact]
    public void Absent_optional_fields_take_authentiks_defaults()
    {
        var code = (CodeState)Parse("authorization_code", "1", new JsonObject { ["pk"] = 1, ["provider"] = 2, ["user"] = 3 }).Event!.State!;
        var user = (UserState)Parse("user", "1", new JsonObject { ["pk"] = 1, ["username"] = "u", ["uuid"] = "00000000-0000-4000-8000-000000000001" }).Event!.State!;
        var group = (GroupState)Parse("group", "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", new JsonObject { ["pk"] = "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", ["name"] = "g" }).Event!.State!;
        var provider = (ProviderState)Parse("provider", "1", new JsonObject { ["pk"] = 1, ["name"] = "p", ["client_id"] = "c" }).Event!.State!;

        Assert.Equal((null, true, 0), (code.Expires, code.Expiring, code.Scope.Count));
        Assert.Equal(("", true, (DateTimeOffset?)null, 0, "", "", "{}", "", "users", "internal"),
            (user.Name, user.IsActive, user.LastLogin, user.Groups.Count, user.Email, user.Avatar, user.Attributes.GetRawText(), user.Uid, user.Path, user.Type));
        Assert.Equal((false, (Guid?)null, "{}"), (group.IsSuperuser, group.Parent, group.Attributes.GetRawText()));
        Assert.Equal(
            ((Guid?)null, (Guid?)null, 0, "confidential", "", "minutes=1", "hours=1", "days=30", true, (Guid?)null, "", "hashed_user_id", "per_provider", 0),
            (provider.AuthenticationFlow, provider.AuthorizationFlow, provider.PropertyMappings.Count, provider.ClientType, provider.ClientSecret,
             provider.AccessCodeValidity, provider.AccessTokenValidity, provider.RefreshTokenValidity, provider.IncludeClaimsInIdToken,
             provider.SigningKey, provider.RedirectUris, provider.SubMode, provider.IssuerMode, provider.JwksSources.Count));
    }

    [Fact]
    public void Every_field_is_read_from_its_own_name()
    {
        var userData = UserData(1);
        userData["path"] = "goauthentik.io/service-accounts";
        userData["type"] = "service_account";
        userData["attributes"] = new JsonObject { ["team"] = "red" };
        var providerData = ProviderData(1);
        providerData["authentication_flow"] = "00000000-0000-4000-8000-0000000000a1";
        providerData["client_type"] = "public";
        providerData["access_code_validity"] = "minutes=2";
        providerData["refresh_token_validity"] = "days=7";
        providerData["include_claims_in_id_token"] = false;
        providerData["signing_key"] = "00000000-0000-4000-8000-0000000000a2";
        providerData["sub_mode"] = "user_email";
        providerData["issuer_mode"] = "global";
        providerData["jwks_sources"] = new JsonArray("00000000-0000-4000-8000-0000000000a3");

        var user = (UserState)Parse("user", "1", userData).Event!.State!;
        var provider = (ProviderState)Parse("provider", "1", providerData).Event!.State!;

        Assert.Equal(("goauthentik.io/service-accounts", "service_account", """{"team":"red"}"""), (user.Path, user.Type, user.Attributes.GetRawText()));
        Assert.Equal(
            ((Guid?)Guid.Parse("00000000-0000-4000-8000-0000000000a1"), "public", "minutes=2", "minutes=5", "days=7", false,
             (Guid?)Guid.Parse("00000000-0000-4000-8000-0000000000a2"), "user_email", "global", Guid.Parse("00000000-0000-4000-8000-0000000000a3")),
            (provider.AuthenticationFlow, provider.ClientType, provider.AccessCodeValidity, provider.AccessTokenValidity, provider.RefreshTokenValidity,
             provider.IncludeClaimsInIdToken, provider.SigningKey, provider.SubMode, provider.IssuerMode, Assert.Single(provider.JwksSources)));
    }

    [Theory]
    [InlineData("user", "name", "data.name must be a string.")]
    [InlineData("user", "is_active", "data.is_active must be a boolean.")]
    [InlineData("user", "attributes", "data.attributes must be a JSON object.")]
    [InlineData("user", "groups", "data.groups must be a list of uuids.")]
    [InlineData("user", "username", "data.username must be a string (required).")]
    [InlineData("user", "uuid", "data.uuid must be a uuid (required).")]
    [InlineData("authorization_code", "provider", "data.provider must be an integer (required).")]
    public void An_explicit_null_is_refused_where_the_contract_allows_none(string entity, string field, string reason)
    {
        var data = entity == "user" ? UserData(1) : CodeData(1, 2, 3);
        data[field] = null;

        Assert.Equal(reason, Parse(entity, "1", data).Rejection!.Reason);
    }

    [Theory]
    [InlineData("user", "1.5")]
    [InlineData("provider", "9223372036854775808")]
    [InlineData("provider", "\"2\"")]
    public void An_integer_field_refuses_a_fraction_a_number_beyond_64_bits_and_a_string(string field, string value)
    {
        var data = CodeData(1, 2, 3);
        data[field] = JsonNode.Parse(value);

        Assert.Equal($"data.{field} must be an integer.", Parse("authorization_code", "1", data).Rejection?.Reason);
    }

    [Theory]
    [InlineData("""["openid", 1]""")]
    [InlineData("7")]
    public void A_scope_that_is_neither_strings_nor_a_string_is_refused(string scope)
    {
        var data = CodeData(1, 2, 3);
        data["scope"] = JsonNode.Parse(scope);

        Assert.Equal("data.scope must be a list of strings or a whitespace-separated string.", Parse("authorization_code", "1", data).Rejection!.Reason);
    }

    [Theory]
    [InlineData("""[{"matching_mode": "strict"}]""")]
    [InlineData("7")]
    public void Redirect_uris_that_are_neither_a_string_nor_url_objects_are_refused(string uris)
    {
        var data = ProviderData(1);
        data["redirect_uris"] = JsonNode.Parse(uris);

        Assert.Equal(
            "data.redirect_uris must be a newline-separated string or a list of {\"matching_mode\", \"url\"} objects.",
            Parse("provider", "1", data).Rejection!.Reason);
    }

    [Fact]
    public void An_integer_written_as_a_json_element_reads_as_the_integer()
    {
        var data = CodeData(1, 2, 3);
        data["provider"] = JsonSerializer.SerializeToNode(JsonDocument.Parse("2").RootElement);

        Assert.Equal(2, ((CodeState)Parse("authorization_code", "1", data).Event!.State!).Provider);
    }
}
