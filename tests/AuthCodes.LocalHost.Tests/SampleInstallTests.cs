using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// End to end through the local host: the sample install goes in through the event intake, and
/// the list comes out as authentik's serializers would write that data.
/// </summary>
public sealed class SampleInstallTests(SampleInstallHost host) : IClassFixture<SampleInstallHost>
{
    private const string List = "/api/v3/oauth2/authorization_codes/";
    private readonly DateTimeOffset now = host.Now;
    private readonly LocalHostFactory factory = host.Factory;
    private readonly JsonElement intakeAnswer = host.IntakeAnswer;

    private async Task<string> GetAsync(string username, string url)
    {
        using var client = factory.ClientFor(username);
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await ResponseContract.AssertDocumentedAsync(url, response);
        return await response.Content.ReadAsStringAsync();
    }

    private static int Count(string body) => JsonDocument.Parse(body).RootElement.GetProperty("pagination").GetProperty("count").GetInt32();

    [Fact]
    public void Every_sample_event_is_applied()
    {
        Assert.Equal(Q("{'applied':316,'ignored':0,'rejected':0}"), "{" + string.Join(",", intakeAnswer.EnumerateObject().Take(3).Select(p => $"\"{p.Name}\":{p.Value}")) + "}");
    }

    [Theory]
    [InlineData("akadmin", 300)] // superuser through a direct group
    [InlineData("ops", 300)] // superuser through the parent of its group
    [InlineData("alice", 75)]
    [InlineData("bob", 75)]
    [InlineData("carol", 0)] // a user without codes
    public async Task Each_user_sees_what_authentik_would_show_them(string username, int expected)
    {
        Assert.Equal(expected, Count(await GetAsync(username, List)));
    }

    [Fact]
    public async Task An_inactive_users_token_is_refused()
    {
        using var client = factory.ClientFor("dave");

        var response = await client.GetAsync(List);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_code_reads_as_authentiks_serializers_write_it_with_every_derived_field()
    {
        // Code 287: bob (4), provider GitLab (3; Nextcloud's backchannel provider), scope "openid goauthentik.io/api".
        // Its expiry is now + (1 + 287 % 24) hours + 287 seconds, as DRF writes it; with python3 from
        // Sample.Now: (datetime(2024, 9, 13, 14, 5, 42, 243000, timezone.utc) + timedelta(hours=24, seconds=287)).isoformat() with "Z".
        const string expires = "2024-09-14T14:10:29.243000Z";

        var body = await GetAsync("bob", List + "287/");

        Assert.Equal(
            Q("{'pk':287,'provider':{'pk':3,'name':'GitLab','authentication_flow':null,'authorization_flow':'3fa85f64-5717-4562-b3fc-2c963f66afa6',"
                + "'property_mappings':['9a3b2c1d-0000-4000-8000-000000000001','9a3b2c1d-0000-4000-8000-000000000002'],'component':'ak-provider-oauth2-form',"
                + "'assigned_application_slug':'gitlab','assigned_application_name':'GitLab','assigned_backchannel_application_slug':'nextcloud','assigned_backchannel_application_name':'Nextcloud',"
                + "'verbose_name':'OAuth2/OpenID Provider','verbose_name_plural':'OAuth2/OpenID Providers','meta_model_name':'authentik_providers_oauth2.oauth2provider',"
                + "'client_type':'confidential','client_id':'gitlab','access_code_validity':'minutes=1','access_token_validity':'minutes=5','refresh_token_validity':'days=30',"
                + "'include_claims_in_id_token':true,'signing_key':'7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e','redirect_uris':'https://gitlab.example.com/users/auth/openid_connect/callback',"
                + "'sub_mode':'hashed_user_id','issuer_mode':'per_provider','jwks_sources':[]},"
                + "'user':{'pk':4,'username':'bob','name':'Bob Builder','is_active':true,'last_login':'2024-09-13T08:00:00Z','is_superuser':false,"
                + "'groups':['9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a','5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b'],"
                + "'groups_obj':[{'pk':'9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a','num_pk':20941,'name':'Contractors','is_superuser':false,'parent':'5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b','parent_name':'Employees','attributes':{}},"
                + "{'pk':'5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b','num_pk':12634,'name':'Employees','is_superuser':false,'parent':null,'parent_name':null,'attributes':{}}],"
                + "'email':'bob@example.com','avatar':'https://www.gravatar.com/avatar/00000000000000000000000000000004?size=158&rating=g&default=404','attributes':{},"
                + "'uid':'0004sampleuid','path':'users','type':'internal','uuid':'00000000-0000-4000-8000-000000000004'},"
                + "'is_expired':false,'expires':'" + expires + "','scope':['openid','goauthentik.io/api']}"),
            body);
    }

    [Fact]
    public async Task Expired_codes_inside_the_grace_period_are_listed_as_expired_first()
    {
        var body = await GetAsync("akadmin", List + "?ordering=expires&page_size=60");

        var results = JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(60, results.Count(r => r.GetProperty("is_expired").GetBoolean()));
        Assert.All(results, r => Assert.Equal(0, r.GetProperty("pk").GetInt64() % 5));
        Assert.Contains(Q("'client_secret':'gitlab-sample-secret'"), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_reports_when_the_last_event_was_applied()
    {
        using var client = factory.CreateClient();

        var health = JsonDocument.Parse(await client.GetStringAsync("/api/health")).RootElement;

        var lastApplied = DateTimeOffset.Parse(health.GetProperty("last_event_applied_at").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(now, lastApplied);
    }
}

/// <summary>One local host loaded with the sample install through its event intake.</summary>
public sealed class SampleInstallHost : IDisposable
{
    public SampleInstallHost()
    {
        var clock = new FakeTimeProvider(Now);
        Factory = new LocalHostFactory(EmbeddedReadModelStore.Create(clock), clock: clock);
        using var client = Factory.CreateClient();
        using var content = new StringContent(SampleEvents.Generate(Now, 300, SampleEvents.DefaultSource).ToJsonString(), Encoding.UTF8, CloudEventContentTypes.Batch);
        using var response = client.PostAsync(EventIntake.Route, content).GetAwaiter().GetResult();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IntakeAnswer = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.Clone();
    }

    /// <summary>When the sample install is generated and listed: the host and its store stand still at it.</summary>
    public DateTimeOffset Now { get; } = Sample.Now;

    public LocalHostFactory Factory { get; }

    public JsonElement IntakeAnswer { get; }

    public void Dispose() => Factory.Dispose();
}
