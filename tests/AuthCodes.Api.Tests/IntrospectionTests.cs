using AuthCodes.Testing;
using System.Text;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

public sealed class IntrospectionTests : IClassFixture<FakeIssuer>, IAsyncLifetime
{
    private readonly FakeIssuer issuer;
    private readonly AuthHarness harness;

    public IntrospectionTests(FakeIssuer issuer)
    {
        this.issuer = issuer;
        issuer.Reset();
        harness = AuthHarness.Create(Settings(issuer));
    }

    internal static Dictionary<string, string?> Settings(FakeIssuer issuer)
    {
        var settings = AuthHarness.SettingsFor(issuer);
        settings["Authentication:Introspection:Enabled"] = "true";
        settings["Authentication:Introspection:ClientId"] = FakeIssuer.IntrospectionClientId;
        settings["Authentication:Introspection:ClientSecret"] = FakeIssuer.IntrospectionClientSecret;
        return settings;
    }

    public Task InitializeAsync() => harness.AddUserAsync(User(1));

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    private string Mint() => Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer);

    [Fact]
    public async Task An_active_token_is_accepted_after_a_post_with_client_credentials_to_the_discovered_endpoint()
    {
        var token = Mint();

        Assert.Equal(new Authenticated(new Caller(1, false)), await harness.AuthenticateBearerAsync(token));

        Assert.Equal(1, issuer.IntrospectionRequests);
        Assert.Equal(token, issuer.LastIntrospectedToken);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FakeIssuer.IntrospectionClientId}:{FakeIssuer.IntrospectionClientSecret}"));
        Assert.Equal("Basic " + basic, issuer.LastIntrospectionAuthorization);
    }

    [Theory]
    [InlineData("""{"active": false}""")]
    [InlineData("""{"active": "true"}""")]
    [InlineData("""{}""")]
    public async Task A_token_the_issuer_does_not_call_active_is_refused(string response)
    {
        issuer.IntrospectionResponse = response;

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint()));
    }

    [Fact]
    public async Task An_active_token_whose_scope_lacks_the_api_scope_is_refused()
    {
        issuer.IntrospectionResponse = """{"active": true, "scope": "openid profile email"}""";

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint()));
    }

    [Fact]
    public async Task An_active_token_whose_scope_has_the_api_scope_is_accepted()
    {
        issuer.IntrospectionResponse = """{"active": true, "scope": "openid goauthentik.io/api"}""";

        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(Mint()));
    }

    [Fact]
    public async Task An_introspection_endpoint_that_is_down_gives_issuer_unavailable()
    {
        issuer.IntrospectionDown = true;

        var unavailable = Assert.IsType<IssuerUnavailable>(await harness.AuthenticateBearerAsync(Mint()));
        Assert.Equal(TimeSpan.FromSeconds(30), unavailable.RetryAfter);
    }

    [Fact]
    public async Task A_second_request_with_the_same_token_is_answered_from_the_cache()
    {
        var token = Mint();

        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));
        issuer.IntrospectionDown = true;
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));

        Assert.Equal(1, issuer.IntrospectionRequests);
    }

    [Fact]
    public async Task Another_token_is_introspected_on_its_own()
    {
        await harness.AuthenticateBearerAsync(Mint());
        harness.Time.Advance(TimeSpan.FromSeconds(1));
        await harness.AuthenticateBearerAsync(Mint());

        Assert.Equal(2, issuer.IntrospectionRequests);
    }

    [Fact]
    public async Task A_refusal_is_cached_briefly_then_asked_again()
    {
        issuer.IntrospectionResponse = """{"active": false}""";
        var token = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, expiresIn: TimeSpan.FromMinutes(10));

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Equal(1, issuer.IntrospectionRequests);

        issuer.IntrospectionResponse = """{"active": true}""";
        harness.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));
        Assert.Equal(2, issuer.IntrospectionRequests);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_once_the_acceptance_is_a_minute_old_even_before_it_expires()
    {
        var token = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, expiresIn: TimeSpan.FromMinutes(60));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));

        issuer.IntrospectionResponse = """{"active": false}""";
        harness.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));
        Assert.Equal(1, issuer.IntrospectionRequests);

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Equal(2, issuer.IntrospectionRequests);
    }

    [Fact]
    public async Task An_acceptance_is_not_reused_past_the_expiry_the_issuer_reports()
    {
        var token = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, expiresIn: TimeSpan.FromMinutes(10));
        issuer.IntrospectionResponse = $$"""{"active": true, "exp": {{harness.Now.AddMinutes(1).ToUnixTimeSeconds()}}}""";
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));

        harness.Time.Advance(TimeSpan.FromMinutes(2));
        issuer.IntrospectionResponse = """{"active": false}""";

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Equal(2, issuer.IntrospectionRequests);
    }

    [Fact]
    public async Task A_locally_invalid_token_is_never_sent_to_the_introspection_endpoint()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Tokens.Opaque()));
        var foreign = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, audience: "someone-else");
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(foreign));

        Assert.Equal(0, issuer.IntrospectionRequests);
    }
}
