using System.Net;
using System.Text.Json;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>The list and retrieve routes over HTTP through the local host, asserted on exact JSON.</summary>
public sealed class ListContractTests(SeededLocalHost host) : IClassFixture<SeededLocalHost>
{
    private const string List = "/api/v3/oauth2/authorization_codes/";

    private const string Grafana =
        "{'pk':1,'name':'Grafana','authentication_flow':null,'authorization_flow':'3fa85f64-5717-4562-b3fc-2c963f66afa6','property_mappings':['9a3b2c1d-0000-4000-8000-000000000001'],'component':'ak-provider-oauth2-form','assigned_application_slug':'app-1','assigned_application_name':'App 1','assigned_backchannel_application_slug':null,'assigned_backchannel_application_name':null,'verbose_name':'OAuth2/OpenID Provider','verbose_name_plural':'OAuth2/OpenID Providers','meta_model_name':'authentik_providers_oauth2.oauth2provider','client_type':'confidential','client_id':'client-1',"
        + "'access_code_validity':'minutes=1','access_token_validity':'minutes=5','refresh_token_validity':'days=30','include_claims_in_id_token':true,'signing_key':null,'redirect_uris':'https://app1.example.com/callback','sub_mode':'hashed_user_id','issuer_mode':'per_provider','jwks_sources':[]}";

    private const string Bob =
        "{'pk':11,'username':'bob','name':'User 11','is_active':true,'last_login':'2024-09-01T08:00:00Z','is_superuser':false,'groups':['5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b'],"
        + "'groups_obj':[{'pk':'5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b','num_pk':12634,'name':'Staff','is_superuser':false,'parent':null,'parent_name':null,'attributes':{}}],"
        + "'email':'user11@example.com','avatar':'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=','attributes':{},'uid':'uid-0011','path':'users','type':'internal','uuid':'00000000-0000-4000-8000-000000000011'}";

    private const string BobsCode =
        "{'pk':20,'provider':" + Grafana + ",'user':" + Bob + ",'is_expired':true,'expires':'2024-09-13T14:06:42.243000Z','scope':['openid','profile']}";

    private readonly LocalHostFactory factory = host.Factory;

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string? username, string url)
    {
        using var client = factory.ClientFor(username);
        var response = await client.GetAsync(url);
        await ResponseContract.AssertDocumentedAsync(url, response);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static long[] Pks(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("pk").GetInt64())];

    [Fact]
    public async Task A_user_lists_his_one_code_exactly_as_authentik_writes_it_without_the_client_secret()
    {
        var (status, body, response) = await GetAsync("bob", List);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            Q("{'pagination':{'next':0,'previous':0,'count':1,'current':1,'total_pages':1,'start_index':1,'end_index':1},'results':[" + BobsCode + "]}"),
            body);
    }

    [Fact]
    public async Task A_user_retrieves_his_code_exactly_as_it_is_listed()
    {
        var (status, body, _) = await GetAsync("bob", List + "20/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Q(BobsCode), body);
    }

    [Fact]
    public async Task A_superuser_lists_every_code_in_authentiks_default_order_with_client_secrets()
    {
        var (status, body, _) = await GetAsync("akadmin", List);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([20, 21, 23, 24, 25, 22], Pks(body));
        Assert.Contains(Q("'client_id':'client-1','client_secret':'grafana-secret','access_code_validity'"), body, StringComparison.Ordinal);
        Assert.Contains(Q("'client_id':'client-2','client_secret':'nextcloud-secret','access_code_validity'"), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_superuser_sees_only_own_codes_and_never_a_client_secret()
    {
        var (status, body, _) = await GetAsync("alice", List + "?ordering=pk");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([21, 22, 23], Pks(body));
        Assert.DoesNotContain("client_secret", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?user=11", new long[0])] // another user's codes: empty, not an error
    [InlineData("?user=10", new long[] { 21, 23, 22 })]
    [InlineData("?provider=3", new long[0])] // a provider without codes
    [InlineData("?provider=2&ordering=-pk", new long[] { 23, 22 })]
    [InlineData("?user=", new long[] { 21, 23, 22 })] // empty filter values are ignored
    public async Task A_non_superusers_filters_narrow_within_own_codes(string query, long[] expected)
    {
        var (status, body, _) = await GetAsync("alice", List + query);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, Pks(body));
    }

    [Theory]
    [InlineData("?user=10", new long[] { 21, 23, 22 })]
    [InlineData("?user=12", new long[0])] // a user without codes: 200, not 403 or 400
    [InlineData("?provider=2&ordering=-expires", new long[] { 22, 24, 25, 23 })]
    [InlineData("?search=NEXTCLOUD%20alice", new long[] { 23, 22 })]
    [InlineData("?search=user11%40example", new long[] { 20 })]
    [InlineData("?ordering=-user,pk&page_size=2&page=2", new long[] { 21, 22 })]
    public async Task A_superuser_filters_searches_and_orders_across_all_codes(string query, long[] expected)
    {
        var (status, body, _) = await GetAsync("akadmin", List + query);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, Pks(body));
    }

    [Fact]
    public async Task Groups_are_omitted_as_null_when_include_groups_is_false()
    {
        var (_, body, _) = await GetAsync("bob", List + "?include_groups=false");

        Assert.Contains(Q("'groups':['5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b'],'groups_obj':null,'email'"), body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?user=999", "{'user':['Select a valid choice. That choice is not one of the available choices.']}")]
    [InlineData("?user=abc", "{'user':['Select a valid choice. That choice is not one of the available choices.']}")]
    [InlineData("?provider=9", "{'provider':['Select a valid choice. That choice is not one of the available choices.']}")]
    [InlineData("?provider=1.0&user=x", "{'user':['Select a valid choice. That choice is not one of the available choices.'],'provider':['Select a valid choice. That choice is not one of the available choices.']}")]
    [InlineData("?user=999&page=99", "{'user':['Select a valid choice. That choice is not one of the available choices.']}")] // filters before pagination
    public async Task Invalid_filters_answer_400_with_django_filter_field_errors(string query, string expected)
    {
        var (status, body, _) = await GetAsync("alice", List + query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Q(expected), body);
    }

    [Fact]
    public async Task A_search_term_over_256_characters_answers_400()
    {
        var (status, body, _) = await GetAsync("alice", List + "?search=" + new string('x', 257));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(Q("{'search':['Ensure this field has no more than 256 characters.']}"), body);
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?page=-1")]
    [InlineData("?page=abc")]
    [InlineData("?page=2")]
    [InlineData("?page=1.0")]
    [InlineData("?user=11&page=2")] // empty result: only page 1 exists
    public async Task Pages_outside_the_result_answer_404_invalid_page(string query)
    {
        var (status, body, _) = await GetAsync("alice", List + query);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Q("{'detail':'Invalid page.'}"), body);
    }

    [Theory]
    [InlineData("?page=last")]
    [InlineData("?page=%2B1")]
    [InlineData("?page=%201%20")]
    [InlineData("?page=")]
    [InlineData("?page=9&page=1")] // the last value counts
    public async Task Python_style_page_numbers_are_accepted(string query)
    {
        var (status, _, _) = await GetAsync("alice", List + query);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("alice", "20/")] // bob's code
    [InlineData("alice", "999/")]
    [InlineData("alice", "abc/")]
    [InlineData("akadmin", "21/?user=11")] // outside the filters
    public async Task Retrieving_a_code_outside_the_callers_scope_or_filters_answers_404(string username, string path)
    {
        var (status, body, _) = await GetAsync(username, List + path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Q("{'detail':'Not found.'}"), body);
    }

    [Fact]
    public async Task A_superuser_retrieves_any_code_with_its_client_secret()
    {
        var (status, body, _) = await GetAsync("akadmin", List + "21/");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith(Q("{'pk':21,"), body, StringComparison.Ordinal);
        Assert.Contains(Q("'client_secret':'grafana-secret'"), body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(List)]
    [InlineData(List + "20/")] // authentik answers 404 here; we do not leak existence either way
    public async Task Requests_without_credentials_answer_403(string url)
    {
        var (status, body, _) = await GetAsync(null, url);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(Q("{'detail':'Authentication credentials were not provided.'}"), body);
    }

    [Theory]
    [InlineData("Bearer not-a-jwt", "Token invalid/expired")]
    [InlineData("Basic YWxpY2U6c2VjcmV0", "Unsupported authentication type")]
    [InlineData("Bearer", "Authentication credentials were not provided.")]
    public async Task Bad_credentials_answer_403_with_authentiks_detail(string authorization, string detail)
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.GetAsync(List);

        await ResponseContract.AssertDocumentedAsync(List, response);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(Q("{'detail':'" + detail + "'}"), await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("nobody")] // no such user
    [InlineData("dave")] // inactive
    public async Task Tokens_of_unknown_or_inactive_users_answer_403(string username)
    {
        var (status, body, _) = await GetAsync(username, List);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(Q("{'detail':'Token invalid/expired'}"), body);
    }

    [Fact]
    public async Task An_expired_token_answers_403()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.TokenFor("alice", TimeSpan.FromMinutes(5), factory.Time.GetUtcNow().UtcDateTime.AddHours(-1)));

        var response = await client.GetAsync(List);

        await ResponseContract.AssertDocumentedAsync(List, response);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(Q("{'detail':'Token invalid/expired'}"), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Health_reports_the_store_reachable()
    {
        var (status, body, _) = await GetAsync(null, "/api/health");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Q("{'status':'healthy','store_reachable':true,'last_event_applied_at':null}"), body);
    }
}

/// <summary>One local host over <see cref="ContractData"/> for a whole test class (the tests only read).</summary>
public sealed class SeededLocalHost : IDisposable
{
    public LocalHostFactory Factory { get; } = new(ContractData.SeedAsync().GetAwaiter().GetResult());

    public void Dispose() => Factory.Dispose();
}
