using System.Text;
using System.Text.Json;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AuthCodes.Functions.Tests;

public sealed class HttpFunctionTests : IDisposable
{
    private static readonly ProviderView Provider1 = Sample.Provider(1);
    private static readonly UserView Alice = Sample.User(7, username: "alice");
    private static readonly CodeDocument AlicesCode = Sample.Code(42, Provider1, Alice, expires: Sample.Now.AddMinutes(1));

    private static readonly Caller AliceCaller = new(Alice.Pk, IsSuperuser: false);
    private static readonly Caller AdminCaller = new(1, IsSuperuser: true);

    private const string Pagination1 =
        """{"next":0,"previous":0,"count":1,"current":1,"total_pages":1,"start_index":1,"end_index":1}""";

    private const string AliceJson =
        """
        {"pk":7,"username":"alice","name":"User 7","is_active":true,"last_login":"2024-09-01T08:00:00Z","is_superuser":false,
        "groups":[],"groups_obj":[],"email":"user7@example.com","avatar":"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "attributes":{},"uid":"uid-0007","path":"users","type":"internal","uuid":"00000000-0000-4000-8000-000000000007"}
        """;

    private readonly FunctionHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task List_as_the_codes_owner_writes_authentiks_json_without_client_secret()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AliceCaller);

        var written = await ListAsync();

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal(
            Json.Lines(
                """
                {"pagination":{"next":0,"previous":0,"count":1,"current":1,"total_pages":1,"start_index":1,"end_index":1},
                "results":[{"pk":42,
                "provider":{"pk":1,"name":"Provider 1","authentication_flow":null,"authorization_flow":"3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "property_mappings":["9a3b2c1d-0000-4000-8000-000000000001"],"component":"ak-provider-oauth2-form",
                "assigned_application_slug":"app-1","assigned_application_name":"App 1",
                "assigned_backchannel_application_slug":null,"assigned_backchannel_application_name":null,
                "verbose_name":"OAuth2/OpenID Provider","verbose_name_plural":"OAuth2/OpenID Providers",
                "meta_model_name":"authentik_providers_oauth2.oauth2provider","client_type":"confidential","client_id":"client-1",
                "access_code_validity":"minutes=1","access_token_validity":"minutes=5","refresh_token_validity":"days=30",
                "include_claims_in_id_token":true,"signing_key":null,"redirect_uris":"https://app1.example.com/callback",
                "sub_mode":"hashed_user_id","issuer_mode":"per_provider","jwks_sources":[]},
                "user":{"pk":7,"username":"alice","name":"User 7","is_active":true,"last_login":"2024-09-01T08:00:00Z","is_superuser":false,
                "groups":[],"groups_obj":[],"email":"user7@example.com","avatar":"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
                "attributes":{},"uid":"uid-0007","path":"users","type":"internal","uuid":"00000000-0000-4000-8000-000000000007"},
                "is_expired":false,"expires":"2024-09-13T14:06:42.243000Z","scope":["openid","profile"]}]}
                """),
            written.Body);
    }

    [Fact]
    public async Task List_as_a_superuser_shows_client_secret_right_after_client_id_and_expiry_from_the_clock()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AdminCaller);
        harness.Clock.Advance(TimeSpan.FromMinutes(2));

        var written = await ListAsync();

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal(
            Json.Lines(
                $$"""
                {"pagination":{{Pagination1}},
                "results":[{"pk":42,
                "provider":{"pk":1,"name":"Provider 1","authentication_flow":null,"authorization_flow":"3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "property_mappings":["9a3b2c1d-0000-4000-8000-000000000001"],"component":"ak-provider-oauth2-form",
                "assigned_application_slug":"app-1","assigned_application_name":"App 1",
                "assigned_backchannel_application_slug":null,"assigned_backchannel_application_name":null,
                "verbose_name":"OAuth2/OpenID Provider","verbose_name_plural":"OAuth2/OpenID Providers",
                "meta_model_name":"authentik_providers_oauth2.oauth2provider","client_type":"confidential","client_id":"client-1",
                "client_secret":"secret-1",
                "access_code_validity":"minutes=1","access_token_validity":"minutes=5","refresh_token_validity":"days=30",
                "include_claims_in_id_token":true,"signing_key":null,"redirect_uris":"https://app1.example.com/callback",
                "sub_mode":"hashed_user_id","issuer_mode":"per_provider","jwks_sources":[]},
                "user":{{AliceJson}},
                "is_expired":true,"expires":"2024-09-13T14:06:42.243000Z","scope":["openid","profile"]}]}
                """),
            written.Body);
    }

    [Fact]
    public async Task List_of_someone_elses_codes_is_an_empty_first_page()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(new Caller(8, IsSuperuser: false));

        var written = await ListAsync();

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal(
            """{"pagination":{"next":0,"previous":0,"count":0,"current":1,"total_pages":1,"start_index":0,"end_index":0},"results":[]}""",
            written.Body);
    }

    [Fact]
    public async Task List_with_an_unknown_user_filter_is_400_in_drfs_field_error_shape()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AdminCaller);

        var written = await ListAsync("?user=999");

        Assert.Equal(400, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"user":["Select a valid choice. That choice is not one of the available choices."]}""", written.Body);
    }

    [Fact]
    public async Task List_past_the_last_page_is_404_invalid_page()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AliceCaller);

        var written = await ListAsync("?page=2");

        Assert.Equal(404, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"detail":"Invalid page."}""", written.Body);
    }

    [Fact]
    public async Task List_forwards_the_authorization_header_to_the_authenticator()
    {
        harness.AuthenticateAs(AliceCaller);

        await ListAsync(authorization: "Bearer abc.def.ghi");

        await harness.Authenticator.Received(1).AuthenticateAsync("Bearer abc.def.ghi", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task List_refused_by_the_authenticator_is_403_with_its_detail()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(Refused.NotProvided);

        var written = await ListAsync(authorization: null);

        Assert.Equal(403, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"detail":"Authentication credentials were not provided."}""", written.Body);
        await harness.Authenticator.Received(1).AuthenticateAsync(null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task List_while_the_issuer_is_unavailable_is_503_with_retry_after()
    {
        harness.AuthenticateAs(new IssuerUnavailable("The token issuer is unavailable.", TimeSpan.FromSeconds(30)));

        var written = await ListAsync();

        Assert.Equal(503, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("30", written.RetryAfter);
        Assert.Equal("""{"detail":"The token issuer is unavailable."}""", written.Body);
    }

    [Fact]
    public async Task List_while_the_store_is_unavailable_is_503_with_retry_after_and_no_stack_trace()
    {
        var codes = Substitute.For<ICodeReadStore>();
        codes.CountCodesAsync(Arg.Any<CodeFilter>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new StoreUnavailableException("The store did not answer.", new IOException("connection reset")));
        using var failing = new FunctionHarness(EmbeddedReadModelStore.Create() with { Codes = codes });
        failing.AuthenticateAs(AliceCaller);

        var written = await ListThroughAsync(failing);

        Assert.Equal(503, written.Status);
        Assert.Equal("5", written.RetryAfter);
        Assert.Equal("""{"detail":"The read model is temporarily unavailable."}""", written.Body);
        Assert.IsType<StoreUnavailableException>(Assert.Single(failing.Logs.GetSnapshot(), r => r.Level == LogLevel.Error).Exception);
    }

    [Fact]
    public async Task List_failing_for_any_other_reason_is_500_without_a_retry_hint_or_stack_trace()
    {
        var codes = Substitute.For<ICodeReadStore>();
        codes.CountCodesAsync(Arg.Any<CodeFilter>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("a bug"));
        using var failing = new FunctionHarness(EmbeddedReadModelStore.Create() with { Codes = codes });
        failing.AuthenticateAs(AliceCaller);

        var written = await ListThroughAsync(failing);

        Assert.Equal(500, written.Status);
        Assert.Equal("", written.RetryAfter);
        Assert.Equal("""{"detail":"A server error occurred."}""", written.Body);
        var logged = Assert.Single(failing.Logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Equal("a bug", Assert.IsType<InvalidOperationException>(logged.Exception).Message);
    }

    private static async Task<Written> ListThroughAsync(FunctionHarness harness)
    {
        var context = FunctionHarness.Request();
        return await FunctionHarness.ExecuteAsync(
            context, await harness.Function<ListAuthorizationCodes>().RunAsync(context.Request, CancellationToken.None));
    }

    [Fact]
    public async Task Retrieve_of_an_own_code_writes_the_code_object()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AliceCaller);

        var written = await RetrieveAsync("42");

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.StartsWith("""{"pk":42,"provider":{"pk":1,"name":"Provider 1",""", written.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", written.Body, StringComparison.Ordinal);
        Assert.EndsWith(
            Json.Lines(
                $$"""
                "jwks_sources":[]},"user":{{AliceJson}},
                "is_expired":false,"expires":"2024-09-13T14:06:42.243000Z","scope":["openid","profile"]}
                """),
            written.Body,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("43")]
    [InlineData("abc")]
    public async Task Retrieve_of_a_missing_code_is_404_not_found(string id)
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(AliceCaller);

        var written = await RetrieveAsync(id);

        Assert.Equal(404, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"detail":"Not found."}""", written.Body);
    }

    [Fact]
    public async Task Retrieve_of_someone_elses_code_is_404_not_found()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(new Caller(8, IsSuperuser: false));

        var written = await RetrieveAsync("42");

        Assert.Equal(404, written.Status);
        Assert.Equal("""{"detail":"Not found."}""", written.Body);
    }

    [Fact]
    public async Task Retrieve_refused_by_the_authenticator_is_403()
    {
        await harness.SeedAsync(AlicesCode);
        harness.AuthenticateAs(Refused.InvalidToken);

        var written = await RetrieveAsync("42");

        Assert.Equal(403, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"detail":"Token invalid/expired"}""", written.Body);
    }

    [Fact]
    public async Task Health_with_a_reachable_store_is_200_and_needs_no_token()
    {
        var context = FunctionHarness.Request(authorization: null);

        var written = await FunctionHarness.ExecuteAsync(
            context, await harness.Function<Health>().RunAsync(context.Request, CancellationToken.None));

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal("""{"status":"healthy","store_reachable":true,"last_event_applied_at":null}""", written.Body);
        await harness.Authenticator.DidNotReceiveWithAnyArgs().AuthenticateAsync(default, default);
    }

    [Fact]
    public async Task Health_with_an_unreachable_store_is_503()
    {
        var codes = Substitute.For<ICodeReadStore>();
        codes.IsReachableAsync(Arg.Any<CancellationToken>()).Returns(false);
        using var unhealthy = new FunctionHarness(EmbeddedReadModelStore.Create() with { Codes = codes });
        var context = FunctionHarness.Request(authorization: null);

        var written = await FunctionHarness.ExecuteAsync(
            context, await unhealthy.Function<Health>().RunAsync(context.Request, CancellationToken.None));

        Assert.Equal(503, written.Status);
        Assert.Equal("""{"status":"unhealthy","store_reachable":false,"last_event_applied_at":null}""", written.Body);
    }

    [Fact]
    public async Task OpenApi_document_is_served_as_is_and_needs_no_token()
    {
        var context = FunctionHarness.Request(authorization: null);

        var written = await FunctionHarness.ExecuteAsync(context, harness.Function<OpenApiDocument>().Run(context.Request));

        Assert.Equal(200, written.Status);
        Assert.Equal("application/json", written.ContentType);
        Assert.Equal(Encoding.UTF8.GetString(OpenApi.Document.Span), written.Body);
        using var document = JsonDocument.Parse(written.Body);
        Assert.StartsWith("3.1.", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        await harness.Authenticator.DidNotReceiveWithAnyArgs().AuthenticateAsync(default, default);
    }

    private async Task<Written> ListAsync(string queryString = "", string? authorization = "Bearer token")
    {
        var context = FunctionHarness.Request(queryString, authorization);
        var result = await harness.Function<ListAuthorizationCodes>().RunAsync(context.Request, CancellationToken.None);
        return await FunctionHarness.ExecuteAsync(context, result);
    }

    private async Task<Written> RetrieveAsync(string id, string queryString = "")
    {
        var context = FunctionHarness.Request(queryString);
        var result = await harness.Function<RetrieveAuthorizationCode>().RunAsync(context.Request, id, CancellationToken.None);
        return await FunctionHarness.ExecuteAsync(context, result);
    }
}
