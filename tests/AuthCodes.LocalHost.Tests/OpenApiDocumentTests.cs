using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Api;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Xunit.Sdk;

namespace AuthCodes.LocalHost.Tests;

public sealed class OpenApiDocumentTests
{
    private const string List = "oauth2_authorization_codes_list";
    private const string Retrieve = "oauth2_authorization_codes_retrieve";

    private static readonly IReadOnlyDictionary<long, string> Secrets = new Dictionary<long, string> { [10] = "s3cret", [11] = "other" };

    [Fact]
    public void Document_reads_as_OpenAPI_3_1_without_errors_or_warnings()
    {
        var result = OpenApiDocument.Parse(Encoding.UTF8.GetString(OpenApi.Document.Span), OpenApiConstants.Json, new OpenApiReaderSettings());

        Assert.Empty(result.Diagnostic!.Errors);
        Assert.Empty(result.Diagnostic.Warnings);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var validationErrors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToArray() ?? [];
        Assert.True(validationErrors.Length == 0, string.Join(Environment.NewLine, validationErrors.Select(e => $"{e.Pointer}: {e.Message}")));
    }

    [Fact]
    public void Document_declares_both_GET_operations_with_every_query_parameter_and_response()
    {
        var document = OpenApiDocument.Parse(Encoding.UTF8.GetString(OpenApi.Document.Span), OpenApiConstants.Json).Document!;

        var list = document.Paths["/v3/oauth2/authorization_codes/"].Operations![HttpMethod.Get];
        Assert.Equal(List, list.OperationId);
        Assert.Equal(
            ["include_groups", "ordering", "page", "page_size", "provider", "search", "user"],
            list.Parameters!.Where(p => p.In == ParameterLocation.Query).Select(p => p.Name!).Order(StringComparer.Ordinal));
        Assert.Equal(["200", "400", "403", "404", "503"], list.Responses!.Keys.Order(StringComparer.Ordinal));

        var retrieve = document.Paths["/v3/oauth2/authorization_codes/{id}/"].Operations![HttpMethod.Get];
        Assert.Equal(Retrieve, retrieve.OperationId);
        Assert.Contains(retrieve.Parameters!, p => p.Name == "id" && p.In == ParameterLocation.Path && p.Required);
        Assert.Equal(["200", "400", "403", "404", "503"], retrieve.Responses!.Keys.Order(StringComparer.Ordinal));

        Assert.True(document.Components!.SecuritySchemes!["bearer"].Type == SecuritySchemeType.Http);
        Assert.Equal("bearer", document.Components.SecuritySchemes["bearer"].Scheme);
        Assert.Equal(["bearer"], list.Security!.SelectMany(r => r.Keys).Select(s => ((OpenApiSecuritySchemeReference)s).Reference.Id));
    }

    [Fact]
    public void The_served_document_is_the_embedded_one() =>
        Assert.Equal(OpenApi.Document.ToArray(), AuthorizationCodesApi.OpenApiDocument().Body.ToArray());

    [Fact]
    public void Superuser_page_with_groups_and_client_secrets_matches()
    {
        var json = WriteList(SeededStore.Codes.Take(10).ToArray(), new RenderOptions(Sample.Now, IncludeGroups: true, Secrets));

        Assert.Contains("\"client_secret\":\"s3cret\"", json, StringComparison.Ordinal);
        Assert.Contains("\"groups_obj\":[{", json, StringComparison.Ordinal);
        OpenApiContract.AssertResponseMatches(List, 200, json);
    }

    [Fact]
    public void Non_superuser_page_without_groups_or_client_secrets_matches()
    {
        var json = WriteList(SeededStore.Codes.Where(c => c.User.Pk == SeededStore.AlicePk).ToArray(), new RenderOptions(Sample.Now, IncludeGroups: false, null));

        Assert.DoesNotContain("client_secret", json, StringComparison.Ordinal);
        Assert.Contains("\"groups_obj\":null", json, StringComparison.Ordinal);
        OpenApiContract.AssertResponseMatches(List, 200, json);
    }

    [Fact]
    public void Empty_page_matches()
    {
        var page = PageEnvelope.For(new PageSelector(1, false), count: 0, pageSize: 100)!.Value;
        var json = Write(writer => ResponseWriter.WriteList(writer, page, [], new RenderOptions(Sample.Now, true, null)));

        Assert.Equal("""{"pagination":{"next":0,"previous":0,"count":0,"current":1,"total_pages":1,"start_index":0,"end_index":0},"results":[]}""", json);
        OpenApiContract.AssertResponseMatches(List, 200, json);
    }

    [Fact]
    public void Codes_with_every_nullable_field_null_or_set_match_the_retrieve_response()
    {
        foreach (var code in SeededStore.Codes)
        {
            foreach (var includeGroups in new[] { true, false })
            {
                var json = Write(writer => ResponseWriter.WriteCode(writer, code, new RenderOptions(Sample.Now, includeGroups, Secrets)));
                OpenApiContract.AssertResponseMatches(Retrieve, 200, json);
            }
        }

        var bare = Sample.Provider(99) with { AuthorizationFlow = null, AssignedApplicationSlug = null, AssignedApplicationName = null, PropertyMappings = [] };
        var user = Sample.User(9, attributesJson: """{"nested":{"deep":[1,null,"x"]}}""") with { LastLogin = null };
        var json2 = Write(writer => ResponseWriter.WriteCode(writer, Sample.Code(1, bare, user, expires: null, expiring: false), new RenderOptions(Sample.Now, true, null)));
        OpenApiContract.AssertResponseMatches(Retrieve, 200, json2);
    }

    [Theory]
    [InlineData(List, 400)]
    [InlineData(Retrieve, 400)]
    public void Field_errors_match(string operationId, int status)
    {
        var response = ApiResponse.From(new FieldErrorsOutcome(
        [
            new("user", ListQuery.InvalidChoiceMessage),
            new("provider", ListQuery.InvalidChoiceMessage),
            new("search", ListQuery.SearchTooLongMessage),
        ]));

        Assert.Equal(status, response.StatusCode);
        OpenApiContract.AssertResponseMatches(operationId, status, response.Body.Span);
    }

    [Fact]
    public void Detail_errors_match_for_403_404_and_503()
    {
        foreach (var operationId in new[] { List, Retrieve })
        {
            OpenApiContract.AssertResponseMatches(operationId, 403, ApiResponse.Detail(403, "Authentication credentials were not provided.").Body.Span);
            OpenApiContract.AssertResponseMatches(operationId, 403, ApiResponse.Detail(403, "Token invalid/expired").Body.Span);
            OpenApiContract.AssertResponseMatches(operationId, 503, ApiResponse.Detail(503, "The read model is temporarily unavailable.", TimeSpan.FromSeconds(5)).Body.Span);
        }

        OpenApiContract.AssertResponseMatches(List, 404, ApiResponse.From(NotFoundOutcome.InvalidPage).Body.Span);
        OpenApiContract.AssertResponseMatches(Retrieve, 404, ApiResponse.From(NotFoundOutcome.NotFound).Body.Span);
        OpenApiContract.AssertResponseMatches(List, 403, """{"detail":"x","code":"not_authenticated"}""");
    }

    [Fact]
    public void Extra_key_fails_and_names_it()
    {
        var json = Mutate(node => node["results"]![0]!["provider"]!["code"] = "leaked");

        var errors = OpenApiContract.Validate(List, 200, json);

        Assert.Contains(errors, e => e.Contains("/results/0/provider/code", StringComparison.Ordinal));
        var failure = Assert.ThrowsAny<XunitException>(() => OpenApiContract.AssertResponseMatches(List, 200, json));
        Assert.Contains("/results/0/provider/code", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_backchannel_keys_fail_as_authentik_would_send_them()
    {
        var json = Mutate(node =>
        {
            var provider = node["results"]![0]!["provider"]!.AsObject();
            provider.Remove("assigned_backchannel_application_slug");
            provider.Remove("assigned_backchannel_application_name");
        });

        var errors = OpenApiContract.Validate(List, 200, json);

        Assert.Contains(errors, e => e.Contains("assigned_backchannel_application_slug", StringComparison.Ordinal));
        Assert.ThrowsAny<XunitException>(() => OpenApiContract.AssertResponseMatches(List, 200, json));
    }

    [Theory]
    [InlineData("pk-as-string")]
    [InlineData("bad-date-time")]
    [InlineData("bad-uuid")]
    [InlineData("groups-obj-object")]
    [InlineData("pagination-float")]
    [InlineData("unknown-constant")]
    [InlineData("secret-in-group")]
    public void Drifted_values_fail(string drift)
    {
        var json = Mutate(node =>
        {
            var code = node["results"]![0]!;
            switch (drift)
            {
                case "pk-as-string": code["pk"] = "100"; break;
                case "bad-date-time": code["expires"] = "2024-09-13 14:05:42"; break;
                case "bad-uuid": code["user"]!["uuid"] = "not-a-uuid"; break;
                case "groups-obj-object": code["user"]!["groups_obj"] = new JsonObject(); break;
                case "pagination-float": node["pagination"]!["count"] = 2.5; break;
                case "unknown-constant": code["provider"]!["component"] = "ak-provider-saml-form"; break;
                case "secret-in-group": code["user"]!["groups_obj"]![0]!["client_secret"] = "x"; break;
            }
        });

        Assert.NotEmpty(OpenApiContract.Validate(List, 200, json));
    }

    [Fact]
    public void Error_bodies_of_the_wrong_shape_fail()
    {
        Assert.NotEmpty(OpenApiContract.Validate(List, 400, """{"user":"Select a valid choice."}"""));
        Assert.NotEmpty(OpenApiContract.Validate(List, 400, "{}"));
        Assert.NotEmpty(OpenApiContract.Validate(List, 404, """{"detail":"Invalid page.","page":2}"""));
        Assert.NotEmpty(OpenApiContract.Validate(List, 403, """{"message":"nope"}"""));
        Assert.NotEmpty(OpenApiContract.Validate(List, 200, "not json"));
    }

    [Fact]
    public void Undeclared_operations_and_statuses_fail()
    {
        Assert.Contains("no operation", Assert.Single(OpenApiContract.Validate("oauth2_authorization_codes_destroy", 204, "{}")), StringComparison.Ordinal);
        Assert.Contains("no 500 response", Assert.Single(OpenApiContract.Validate(List, 500, "{}")), StringComparison.Ordinal);
        Assert.ThrowsAny<XunitException>(() => OpenApiContract.AssertResponseMatches(List, 401, """{"detail":"x"}"""));
    }

    [Fact]
    public async Task Health_answers_match()
    {
        await using var harness = new ApiHarness(await SeededStore.CreateAsync());
        var (healthy, status) = await harness.HealthAsync();
        Assert.Equal(200, status);
        OpenApiContract.AssertResponseMatches("health_retrieve", 200, healthy);
        OpenApiContract.AssertResponseMatches("health_retrieve", 503, """{"status":"unhealthy","store_reachable":false,"last_event_applied_at":null}""");
    }

    private static string WriteList(CodeDocument[] codes, RenderOptions options)
    {
        var page = PageEnvelope.For(new PageSelector(1, false), codes.Length + 15, pageSize: codes.Length)!.Value;
        return Write(writer => ResponseWriter.WriteList(writer, page, codes, options));
    }

    private static string Mutate(Action<JsonNode> change)
    {
        var node = JsonNode.Parse(WriteList(SeededStore.Codes.Take(3).ToArray(), new RenderOptions(Sample.Now, true, Secrets)))!;
        change(node);
        return node.ToJsonString();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
