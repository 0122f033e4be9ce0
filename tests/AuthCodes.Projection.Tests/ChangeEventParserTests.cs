using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

public sealed class ChangeEventParserTests
{
    private readonly ChangeEventParser parser = new(Source);

    private ParsedEvent Parse(string json) => parser.Parse(BinaryData.FromString(json));

    private string Reason(string json)
    {
        var parsed = Parse(json);
        Assert.False(parsed.IsValid, "expected a rejection");
        return parsed.Rejection!.Reason;
    }

    [Fact]
    public void Parses_a_valid_event_into_its_normalized_state()
    {
        var parsed = Parse(User(42, V, groups: [Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11")], id: "e-1"));

        Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
        var e = parsed.Event!;
        Assert.Equal(("e-1", "user/42", V, false), (e.Id, e.Subject, e.Version, e.Deleted));
        Assert.Equal(EntityKey.User(42), e.Key);
        var user = Assert.IsType<UserState>(e.State);
        Assert.Equal("user42", user.Username);
        Assert.Equal("blue", user.Attributes.GetProperty("team").GetString());
    }

    [Fact]
    public void Rejects_an_event_from_a_foreign_source_and_accepts_any_source_when_none_is_configured()
    {
        var foreign = Envelope("user", "saved", "42", V, UserData(42), source: "https://other.example.com/");

        Assert.Contains("not the accepted source", Reason(foreign), StringComparison.Ordinal);
        Assert.True(new ChangeEventParser(null).Parse(BinaryData.FromString(foreign)).IsValid);
    }

    [Theory]
    [InlineData("io.goauthentik.flow.saved")]
    [InlineData("io.goauthentik.user.updated")]
    [InlineData("com.example.user.saved")]
    [InlineData("io.goauthentik.user")]
    public void Rejects_an_unknown_type(string type)
    {
        var json = JsonNode.Parse(User(42, V))!;
        json["type"] = type;

        Assert.Contains($"Unknown type '{type}'", Reason(json.ToJsonString()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"specversion\":\"1.0\",")]
    [InlineData("not json")]
    [InlineData("")]
    public void Rejects_malformed_json_without_keeping_the_body(string body)
    {
        var parsed = Parse(body);

        Assert.StartsWith("The body is not valid JSON", parsed.Rejection!.Reason, StringComparison.Ordinal);
        Assert.Null(parsed.Rejection.SanitizedBody);
    }

    [Theory]
    [InlineData("[1]", "must be a JSON object")]
    [InlineData("{\"id\":\"x\"}", "specversion")]
    public void Rejects_bodies_that_are_not_cloud_events(string body, string expected)
    {
        Assert.Contains(expected, Reason(body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("specversion", "\"0.3\"", "specversion")]
    [InlineData("id", "null", "id is required")]
    [InlineData("entityversion", "\"12a\"", "entityversion must be")]
    [InlineData("entityversion", "-1", "entityversion must be")]
    [InlineData("entityversion", "1.5", "entityversion must be")]
    [InlineData("entityversion", "\"99999999999999999999\"", "entityversion must be")]
    [InlineData("subject", "\"user/43\"", "does not match data.pk")]
    [InlineData("subject", "\"group/42\"", "must be 'user/<pk>'")]
    [InlineData("subject", "\"user/abc\"", "valid user pk")]
    [InlineData("time", "\"yesterday\"", "Not a valid CloudEvent")]
    [InlineData("datacontenttype", "\"text/plain\"", "datacontenttype")]
    [InlineData("data", "[]", "data must be a JSON object")]
    public void Rejects_an_invalid_envelope_with_a_clear_reason(string attribute, string value, string expected)
    {
        var json = JsonNode.Parse(User(42, V))!;
        json[attribute] = JsonNode.Parse(value);

        Assert.Contains(expected, Reason(json.ToJsonString()), StringComparison.Ordinal);
    }

    private const string ExtensionValueTypes = "Attribute values must be of type string, bool, byte, int, Uri, DateTime, or DateTimeOffset.";

    /// <summary>A user event with <paramref name="attribute"/> set to <paramref name="value"/> (raw JSON), added last if it is new.</summary>
    private static string UserWith(string attribute, string value)
    {
        var json = JsonNode.Parse(User(42, V))!;
        json[attribute] = JsonNode.Parse(value);
        return json.ToJsonString();
    }

    [Theory]
    [InlineData("time", "5", "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'Number'.")]
    [InlineData("time", "{}", "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'Object'.")]
    [InlineData("time", "\"yesterday\"", "Not a valid CloudEvent: One of the identified items was in an invalid format.")]
    [InlineData("dataschema", "5", "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'Number'.")]
    [InlineData("datacontenttype", "true", "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'True'.")]
    [InlineData("datacontenttype", "\"\"", "datacontenttype must be application/json, not ''.")]
    [InlineData("dataschema", "\"urn:authcodes:events:v2\"", "dataschema must be urn:authcodes:events:v1 (or absent), not 'urn:authcodes:events:v2': a newer contract version needs a newer projector.")]
    [InlineData("data_base64", "[]", "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'Array'.")]
    [InlineData("data_base64", "\"!!\"", "Not a valid CloudEvent: One of the identified items was in an invalid format.")]
    [InlineData("data_base64", "\"aGVsbG8=\"", "data must be JSON (data_base64 is not accepted).")]
    [InlineData("data_base64", "null", "data must be JSON (data_base64 is not accepted).")]
    public void Rejects_envelope_attributes_of_the_wrong_type_or_format_with_the_cloud_events_reason(string attribute, string value, string expected)
    {
        Assert.Equal(expected, Reason(UserWith(attribute, value)));
    }

    [Theory]
    [InlineData("MyExt", "\"x\"", "Not a valid CloudEvent: Invalid character in extension attribute name: 'M'. CloudEvent attribute names must consist of lower-case letters ('a' to 'z') or digits ('0' to '9') from the ASCII character set. (Parameter 'name')")]
    [InlineData("trace_id", "\"x\"", "Not a valid CloudEvent: Invalid character in extension attribute name: '_'. CloudEvent attribute names must consist of lower-case letters ('a' to 'z') or digits ('0' to '9') from the ASCII character set. (Parameter 'name')")]
    [InlineData("", "\"x\"", "Not a valid CloudEvent: Value cannot be an empty string. (Parameter 'name')")]
    [InlineData("Trace", "null", "Not a valid CloudEvent: Value cannot be null. (Parameter 'value')")]
    [InlineData("traceid", "2147483648", "Not a valid CloudEvent: Values of type System.Int64 are not supported. " + ExtensionValueTypes)]
    [InlineData("traceid", "1.5", "Not a valid CloudEvent: Values of type System.Double are not supported. " + ExtensionValueTypes)]
    [InlineData("traceid", "{\"a\":1}", "Not a valid CloudEvent: Values of type System.Collections.Generic.Dictionary`2[System.String,System.Object] are not supported. " + ExtensionValueTypes)]
    [InlineData("traceid", "[1]", "Not a valid CloudEvent: Values of type System.Object[] are not supported. " + ExtensionValueTypes)]
    public void Rejects_an_extension_attribute_with_an_invalid_name_or_value_with_the_cloud_events_reason(string name, string value, string expected)
    {
        Assert.Equal(expected, Reason(UserWith(name, value)));
    }

    [Theory]
    [InlineData("traceid", "\"x\"")]
    [InlineData("traceid", "-2147483648")]
    [InlineData("traceid", "true")]
    [InlineData("time", "null")]
    [InlineData("dataschema", "null")]
    [InlineData("dataschema", "\"urn:authcodes:events:v1\"")]
    [InlineData("datacontenttype", "null")]
    [InlineData("datacontenttype", "\"application/json; charset=utf-8\"")]
    public void Accepts_optional_and_extension_attributes_of_the_cloud_events_types(string attribute, string value)
    {
        var parsed = Parse(UserWith(attribute, value));

        Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
    }

    [Theory]
    [InlineData("\"2024-09-13T14:05:42.243Z\"", "2024-09-13T14:05:42.2430000+00:00")]
    [InlineData("\"2024-09-13T16:05:42+02:00\"", "2024-09-13T16:05:42.0000000+02:00")]
    [InlineData("\"2024-09-13\"", "2024-09-13T00:00:00.0000000+00:00")]
    public void Reads_time_in_the_formats_the_cloud_events_reader_accepts(string time, string expected)
    {
        Assert.Equal(expected, Parse(UserWith("time", time)).Event!.Time!.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Reports_the_first_invalid_attribute_in_document_order_before_source_and_type_rules()
    {
        var json = JsonNode.Parse(User(42, V))!;
        json["source"] = "https://other.example.com/";
        json["type"] = "io.goauthentik.flow.saved";
        json["time"] = 5;
        json["BadName"] = "x";

        Assert.Equal(
            "Not a valid CloudEvent: The requested operation requires an element of type 'String', but the target element has type 'Number'.",
            Reason(json.ToJsonString()));
    }

    [Theory]
    [InlineData("not json", "The body is not valid JSON (the input is an invalid JSON literal. Expected the literal 'null'. LineNumber: 0 | BytePositionInLine: 1.).")]
    [InlineData("", "The body is not valid JSON (The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true. LineNumber: 0 | BytePositionInLine: 0.).")]
    [InlineData("{\"id\":\"x\"", "The body is not valid JSON (Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 9.).")]
    [InlineData("{} x", "The body is not valid JSON (the input is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 3.).")]
    [InlineData("{\"data\":{\"code\":tru{e,\"nonce\":\"n-1\"}}", "The body is not valid JSON (the input is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 19.).")]
    [InlineData("{\"data\":{\"code\":tru\nsecret}}", "The body is not valid JSON (the input is an invalid JSON literal. Expected the literal 'true'. LineNumber: 0 | BytePositionInLine: 19.).")]
    public void Rejects_malformed_json_with_the_readers_position_but_not_the_input_it_quotes(string body, string expected)
    {
        Assert.Equal(expected, Reason(body));
        Assert.Equal(expected, Assert.Single(parser.ParseBatch(BinaryData.FromString(body))).Rejection!.Reason);
    }

    [Theory]
    [InlineData("\"id\":\"e-1\",", "\"id\":\"e-1\",\"id\":\"e-2\",")]
    [InlineData("\"username\":", "\"username\":\"first\",\"username\":")]
    public void Rejects_a_duplicate_property_name_instead_of_throwing(string find, string replace)
    {
        var json = User(42, V, id: "e-1");
        Assert.Contains(find, json, StringComparison.Ordinal);
        var duplicated = json.Replace(find, replace, StringComparison.Ordinal);

        var reason = Reason(duplicated);

        Assert.StartsWith("The body is not valid JSON (Duplicate property", reason, StringComparison.Ordinal);
        Assert.StartsWith("The body is not valid JSON (Duplicate property", Assert.Single(parser.ParseBatch(BinaryData.FromString("[" + duplicated + "]"))).Rejection!.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"id\":\"e-1\"", "\"id\":\"e-\\ud800\"", "Cannot read incomplete UTF-16 JSON text as string with missing low surrogate.")]
    [InlineData("\"username\":\"user42\"", "\"username\":\"user\\udfff\"", "Cannot read invalid UTF-16 JSON text as string. Invalid surrogate value: '0xDFFF'.")]
    public void Rejects_text_that_is_not_valid_UTF16_instead_of_throwing(string find, string replace, string readerMessage)
    {
        var json = User(42, V, id: "e-1");
        Assert.Contains(find, json, StringComparison.Ordinal);

        var parsed = Parse(json.Replace(find, replace, StringComparison.Ordinal));

        Assert.False(parsed.IsValid);
        Assert.Equal($"The body holds text that cannot be read ({readerMessage}).", parsed.Rejection!.Reason);
        Assert.Null(parsed.Rejection.SanitizedBody);
    }

    [Fact]
    public void A_rejected_event_keeps_no_secret_under_any_spelling_or_depth_of_its_name()
    {
        var data = Events.CodeData(9001, 1, 42);
        data["pk"] = "not-a-number";
        data["Code"] = "secret-1";
        data["NONCE"] = "secret-2";
        data["clientSecret"] = "secret-3";
        data["code$"] = "secret-4";
        data["provider_obj"] = new JsonObject { ["pk"] = 1, ["client_secret"] = "secret-5", ["Session-Id"] = "secret-6" };
        data["access_code_validity"] = "minutes=1";
        var envelope = JsonNode.Parse(Events.Envelope("authorization_code", "saved", "9001", V, data))!.AsObject();
        envelope["code"] = "secret-7";

        var rejection = Parse(envelope.ToJsonString()).Rejection!;

        Assert.Equal("data.pk must be an integer.", rejection.Reason);
        var kept = JsonNode.Parse(rejection.SanitizedBody!)!.AsObject();
        Assert.DoesNotContain("secret-", rejection.SanitizedBody, StringComparison.Ordinal);
        Assert.Equal(
            """{"pk":"not-a-number","provider":1,"user":42,"expires":"2024-09-13T14:15:42.2430000\u002B00:00","expiring":true,"scope":["openid","profile"]}""",
            kept["data"]!.ToJsonString());
        Assert.False(kept.ContainsKey("code"));
    }

    [Fact]
    public void An_event_without_time_has_no_time_rather_than_the_moment_it_was_parsed()
    {
        var json = JsonNode.Parse(User(42, V))!.AsObject();
        json.Remove("time");

        var parsed = Parse(json.ToJsonString());

        Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
        Assert.Null(parsed.Event!.Time);
        Assert.Equal(new DateTimeOffset(2024, 9, 13, 14, 5, 42, 243, TimeSpan.Zero), Parse(User(42, V)).Event!.Time);
    }

    [Fact]
    public void Rejects_a_missing_entityversion()
    {
        var json = JsonNode.Parse(User(42, V))!.AsObject();
        json.Remove("entityversion");

        Assert.Contains("entityversion (extension attribute) is required", Reason(json.ToJsonString()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("username", "null", "data.username must be a string (required)")]
    [InlineData("uuid", "\"nope\"", "data.uuid must be a uuid")]
    [InlineData("groups", "[\"x\"]", "data.groups must be a list of uuids")]
    [InlineData("is_active", "\"yes\"", "data.is_active must be a boolean")]
    [InlineData("attributes", "[]", "data.attributes must be a JSON object")]
    [InlineData("last_login", "\"soon\"", "data.last_login must be an RFC 3339 date-time or null")]
    public void Rejects_invalid_user_data(string field, string value, string expected)
    {
        var data = UserData(42);
        data[field] = JsonNode.Parse(value);

        Assert.Equal(expected + ".", Reason(Envelope("user", "saved", "42", V, data)));
    }

    [Theory]
    [InlineData("[1, \"2\"]")]
    [InlineData("[1.5]")]
    [InlineData("7")]
    public void Rejects_backchannel_providers_that_are_not_a_list_of_integers(string value)
    {
        var data = ApplicationData(Guid.Parse("c1d2e3f4-0000-4000-8000-000000000001"), "grafana", 7);
        data["backchannel_providers"] = JsonNode.Parse(value);

        Assert.Equal(
            "data.backchannel_providers must be a list of integers.",
            Reason(Envelope("application", "saved", "c1d2e3f4-0000-4000-8000-000000000001", V, data)));
    }

    [Fact]
    public void Ignores_unknown_data_fields()
    {
        var data = UserData(42);
        data["favourite_colour"] = "teal";

        Assert.True(Parse(Envelope("user", "saved", "42", V, data)).IsValid);
    }

    [Theory]
    [InlineData("\"openid  profile\\temail\"", new[] { "openid", "profile", "email" })]
    [InlineData("[\"openid\", \"goauthentik.io/api\"]", new[] { "openid", "goauthentik.io/api" })]
    [InlineData("\"\"", new string[0])]
    public void Accepts_scope_as_a_list_or_a_whitespace_separated_string(string scope, string[] expected)
    {
        var data = CodeData(1, 7, 42);
        data["scope"] = JsonNode.Parse(scope);

        var code = Assert.IsType<CodeState>(Parse(Envelope("authorization_code", "saved", "1", V, data)).Event!.State);
        Assert.Equal(expected, code.Scope);
    }

    [Fact]
    public void Accepts_redirect_uris_as_a_newline_string_or_a_list_of_matching_mode_and_url()
    {
        var data = ProviderData(7);
        data["redirect_uris"] = JsonNode.Parse("""[{"matching_mode":"strict","url":"https://a.example/cb"},{"matching_mode":"regex","url":"https://b\\.example/.*"}]""");

        var provider = Assert.IsType<ProviderState>(Parse(Envelope("provider", "saved", "7", V, data)).Event!.State);
        Assert.Equal("https://a.example/cb\nhttps://b\\.example/.*", provider.RedirectUris);

        data["redirect_uris"] = "https://a.example/cb\nhttps://c.example/cb";
        provider = Assert.IsType<ProviderState>(Parse(Envelope("provider", "saved", "7", V, data)).Event!.State);
        Assert.Equal("https://a.example/cb\nhttps://c.example/cb", provider.RedirectUris);
    }

    [Fact]
    public void Drops_the_secrets_of_a_code_and_keeps_them_out_of_a_rejection_record()
    {
        var data = CodeData(1, 7, 42);
        data["code"] = "CODE-SECRET";
        data["nonce"] = "NONCE-SECRET";
        data["code_challenge"] = "CHALLENGE-SECRET";
        data["code_challenge_method"] = "S256";
        data["session_id"] = "SESSION-SECRET";

        var valid = Parse(Envelope("authorization_code", "saved", "1", V, data));
        Assert.True(valid.IsValid);
        Assert.DoesNotContain("SECRET", valid.Event!.ToString(), StringComparison.Ordinal);

        data["expiring"] = "maybe";
        var rejected = Parse(Envelope("authorization_code", "saved", "1", V, data)).Rejection!;
        Assert.Equal("data.expiring must be a boolean.", rejected.Reason);
        Assert.Equal(("authorization_code/1", "io.goauthentik.authorization_code.saved"), (rejected.Subject!, rejected.Type!));
        Assert.DoesNotContain("SECRET", rejected.SanitizedBody!, StringComparison.Ordinal);
        Assert.DoesNotContain("S256", rejected.SanitizedBody!, StringComparison.Ordinal);
        Assert.Contains("\"expiring\":\"maybe\"", rejected.SanitizedBody!, StringComparison.Ordinal);
    }

    [Fact]
    public void Keeps_a_provider_secret_out_of_a_rejection_record()
    {
        var data = ProviderData(7);
        data["name"] = 5;

        var rejected = Parse(Envelope("provider", "saved", "7", V, data)).Rejection!;

        Assert.DoesNotContain("s3cr3t", rejected.SanitizedBody!, StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_a_delete_with_only_the_pk_or_without_data()
    {
        var withPk = Parse(Deleted("group", "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", V));
        var json = JsonNode.Parse(Deleted("user", "42", V))!.AsObject();
        json.Remove("data");
        var withoutData = Parse(json.ToJsonString());

        Assert.Equal(EntityKey.Group(Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11")), withPk.Event!.Key);
        Assert.True(withPk.Event.Deleted);
        Assert.Null(withPk.Event.State);
        Assert.Equal(EntityKey.User(42), withoutData.Event!.Key);
    }

    [Fact]
    public void Parses_a_batch_element_by_element()
    {
        var batch = $"[{User(1, V)},{{\"nope\":1}},{Provider(7, V)}]";

        var parsed = parser.ParseBatch(BinaryData.FromString(batch));

        Assert.Equal([true, false, true], parsed.Select(p => p.IsValid));
        Assert.Single(parser.ParseBatch(BinaryData.FromString(User(1, V))));
    }

    /// <summary>Reasons are what the rejected-events list shows an operator: each rule's own text, exactly.</summary>
    [Theory]
    [InlineData("specversion", null, "specversion must be \"1.0\".")]
    [InlineData("specversion", "1.0", "specversion must be \"1.0\".")]
    [InlineData("specversion", "\"1.0 \"", "specversion must be \"1.0\".")]
    [InlineData("id", null, "id is required and must be a non-empty string.")]
    [InlineData("id", "\"\"", "id is required and must be a non-empty string.")]
    [InlineData("id", "5", "id is required and must be a non-empty string.")]
    [InlineData("source", "\"\"", "source is required and must be a non-empty string.")]
    [InlineData("type", null, "type is required and must be a non-empty string.")]
    [InlineData("subject", null, "subject is required and must be a non-empty string.")]
    [InlineData("entityversion", null, "entityversion (extension attribute) is required.")]
    [InlineData("entityversion", "null", "entityversion (extension attribute) is required.")]
    [InlineData("entityversion", "{}", "entityversion (extension attribute) is required.")]
    [InlineData("entityversion", "\"\"", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "\"000000000000000000001\"", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "\"18446744073709551616\"", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "\"+1\"", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "\"\\u0663\"", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "1e3", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "18446744073709551616", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("entityversion", "true", "entityversion must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.")]
    [InlineData("data", null, "data must be a JSON object.")]
    [InlineData("data", "null", "data must be a JSON object.")]
    [InlineData("data", "5", "data must be a JSON object.")]
    [InlineData("datacontenttype", "\"text/json\"", "datacontenttype must be application/json, not 'text/json'.")]
    [InlineData("type", "\"com.example.user.saved\"", "Unknown type 'com.example.user.saved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted.")]
    [InlineData("type", "\"io.goauthentikuser.saved\"", "Unknown type 'io.goauthentikuser.saved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted.")]
    [InlineData("type", "\"io.goauthentik.flow.saved\"", "Unknown type 'io.goauthentik.flow.saved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik.user\"", "Unknown type 'io.goauthentik.user': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik.usersaved\"", "Unknown type 'io.goauthentik.usersaved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik.user.\"", "Unknown type 'io.goauthentik.user.': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik..saved\"", "Unknown type 'io.goauthentik..saved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik.user.saved.\"", "Unknown type 'io.goauthentik.user.saved.': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("type", "\"io.goauthentik.user.group.saved\"", "Unknown type 'io.goauthentik.user.group.saved': expected io.goauthentik.<entity>.saved or io.goauthentik.<entity>.deleted, entity one of authorization_code, user, group, provider, application.")]
    [InlineData("subject", "\"user\"", "subject 'user' must be 'user/<pk>'.")]
    [InlineData("subject", "\"xuser/42\"", "subject 'xuser/42' must be 'user/<pk>'.")]
    [InlineData("subject", "\"/42\"", "subject '/42' must be 'user/<pk>'.")]
    [InlineData("subject", "\"user/\"", "subject 'user/' does not end with a valid user pk.")]
    [InlineData("subject", "\"user//42\"", "subject 'user//42' does not end with a valid user pk.")]
    [InlineData("subject", "\"user/42/\"", "subject 'user/42/' does not end with a valid user pk.")]
    [InlineData("subject", "\"user/+42\"", "subject 'user/+42' does not end with a valid user pk.")]
    [InlineData("subject", "\"user/ 42\"", "subject 'user/ 42' does not end with a valid user pk.")]
    [InlineData("subject", "\"user/\\u0664\\u0662\"", "subject 'user/\u0664\u0662' does not end with a valid user pk.")]
    [InlineData("subject", "\"user/9223372036854775808\"", "subject 'user/9223372036854775808' does not end with a valid user pk.")]
    public void Each_envelope_rule_rejects_with_its_own_reason(string attribute, string? value, string expected)
    {
        var json = JsonNode.Parse(User(42, V))!.AsObject();
        if (value is null)
        {
            json.Remove(attribute);
        }
        else
        {
            json[attribute] = JsonNode.Parse(value);
        }

        Assert.Equal(expected, Reason(json.ToJsonString()));
    }

    [Theory]
    [InlineData("\"18446744073709551615\"")]
    [InlineData("18446744073709551615")]
    public void Reads_the_largest_64_bit_version_as_a_string_of_twenty_digits_or_a_number(string version)
    {
        var parsed = Parse(UserWith("entityversion", version));

        Assert.Equal(18446744073709551615UL, parsed.Event?.Version);
    }

    [Theory]
    [InlineData("user/9223372036854775807", 9223372036854775807L)]
    [InlineData("user/0", 0L)]
    public void Reads_a_subject_pk_up_to_the_largest_64_bit_integer(string subject, long pk)
    {
        var json = JsonNode.Parse(UserWith("subject", $"\"{subject}\""))!;
        json["data"]!["pk"] = pk;

        Assert.Equal(EntityKey.User(pk), Parse(json.ToJsonString()).Event?.Key);
    }

    [Fact]
    public void A_delete_whose_data_names_another_pk_than_its_subject_is_rejected()
    {
        var json = Envelope("group", "deleted", "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11", V, new JsonObject { ["pk"] = "6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a12" });

        Assert.Equal("subject 'group/6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11' does not match data.pk.", Reason(json));
    }

    [Theory]
    [InlineData("{}", "A CloudEvents batch must be a JSON array.")]
    [InlineData("[1]", "A CloudEvent in structured mode must be a JSON object.")]
    [InlineData("[1", "The body is not valid JSON (the input is an invalid end of a number. Expected a delimiter. LineNumber: 0 | BytePositionInLine: 2.).")]
    public void Rejects_a_batch_that_is_not_an_array_of_objects_with_its_reason(string body, string expected)
    {
        var rejection = Assert.Single(parser.ParseBatch(BinaryData.FromString(body))).Rejection;

        Assert.Equal(expected, rejection?.Reason);
        Assert.Null(rejection?.SanitizedBody);
    }

    /// <summary>The entity is read from the type up to its last dot, whatever the action: its data fields are kept.</summary>
    [Theory]
    [InlineData("io.goauthentik.user.updated", true)]
    [InlineData("io.goauthentik.user.", true)]
    [InlineData("io.goauthentik.user", false)]
    [InlineData("io.goauthentik.usersaved", false)]
    [InlineData("io.goauthentik.flow.saved", false)]
    [InlineData("com.example.user.saved", false)]
    public void A_rejection_record_keeps_data_only_when_the_type_names_an_entity(string type, bool keepsData)
    {
        var data = new JsonObject { ["pk"] = 42, ["username"] = "alice", ["password"] = "hunter2" };
        var json = JsonNode.Parse(Envelope("user", "saved", "42", V, data, id: "evt-typed"))!;
        json["type"] = type;

        var kept = Parse(json.ToJsonString()).Rejection?.SanitizedBody;

        var keptData = keepsData ? ""","data":{"pk":42,"username":"alice"}""" : "";
        Assert.Equal(
            "{\"specversion\":\"1.0\",\"id\":\"evt-typed\",\"source\":\"https://auth.example.com/\",\"type\":\"" + type
            + "\",\"subject\":\"user/42\",\"entityversion\":\"1726236342243000\",\"time\":\"2024-09-13T14:05:42.243Z\",\"datacontenttype\":\"application/json\"" + keptData + "}",
            kept);
    }

    /// <summary>Every secret name, in any spelling, is removed wherever kept data may nest it (here: a user's attributes).</summary>
    [Theory]
    [InlineData("code")]
    [InlineData("nonce")]
    [InlineData("code_challenge")]
    [InlineData("code_challenge_method")]
    [InlineData("session_id")]
    [InlineData("client_secret")]
    [InlineData("Code-Challenge-Method")]
    [InlineData("sessionId")]
    [InlineData("CLIENT_SECRET")]
    [InlineData("_N-o-n-c-e_")]
    public void A_rejection_record_drops_a_secret_name_nested_in_kept_data(string name)
    {
        var data = UserData(42);
        data["is_active"] = "yes";
        data["attributes"] = new JsonObject
        {
            [name] = "hidden", ["team"] = "blue", ["codes"] = 1, ["session"] = 2, ["secret"] = 3, ["42"] = 4,
            ["history"] = new JsonArray(new JsonObject { [name] = "hidden", ["at"] = 5 }),
        };

        var kept = JsonNode.Parse(Parse(Envelope("user", "saved", "42", V, data)).Rejection!.SanitizedBody!)!;

        Assert.Equal("""{"team":"blue","codes":1,"session":2,"secret":3,"42":4,"history":[{"at":5}]}""", kept["data"]!["attributes"]!.ToJsonString());
    }

    [Fact]
    public void A_rejection_record_keeps_every_envelope_attribute_of_the_contract_in_its_order()
    {
        var json = JsonNode.Parse(UserWith("dataschema", "\"urn:authcodes:events:v1\""))!;
        json["id"] = "evt-all";
        json["data"]!["is_active"] = "yes";
        json["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var rejection = Parse(json.ToJsonString()).Rejection!;

        Assert.Equal("data.is_active must be a boolean.", rejection.Reason);
        Assert.Equal(
            """{"specversion":"1.0","id":"evt-all","source":"https://auth.example.com/","type":"io.goauthentik.user.saved","subject":"user/42","entityversion":"1726236342243000","time":"2024-09-13T14:05:42.243Z","datacontenttype":"application/json","dataschema":"urn:authcodes:events:v1","data":{"pk":42,"username":"user42","name":"User 42","is_active":"yes","last_login":"2024-09-01T08:00:00Z","groups":[],"email":"user42@example.com","avatar":"data:image/svg\u002Bxml;base64,PHN2Zz48L3N2Zz4=","attributes":{"team":"blue"},"uid":"uid-0042","path":"users","type":"internal","uuid":"00000000-0000-4000-8000-000000000042"}}""",
            rejection.SanitizedBody);
    }

    [Fact]
    public void Names_the_secret_fields_of_the_contract()
    {
        Assert.Equal(
            ["client_secret", "code", "code_challenge", "code_challenge_method", "nonce", "session_id"],
            ChangeEventParser.SecretFields.Order(StringComparer.Ordinal));
    }
}
