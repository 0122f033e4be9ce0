using AuthCodes.Testing;
using System.Security.Cryptography;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

public sealed class JwtValidationTests : IClassFixture<FakeIssuer>, IAsyncLifetime
{
    private readonly FakeIssuer issuer;
    private readonly AuthHarness harness;

    public JwtValidationTests(FakeIssuer issuer)
    {
        this.issuer = issuer;
        issuer.Reset();
        harness = AuthHarness.Create(AuthHarness.SettingsFor(issuer));
    }

    public async Task InitializeAsync()
    {
        await harness.AddUserAsync(User(1));
        await harness.AddUserAsync(User(2, isSuperuser: true));
        await harness.AddUserAsync(User(3, isActive: false));
    }

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    private string Mint(
        string subject = "uid-0001",
        string? tokenIssuer = null,
        string audience = Tokens.Audience,
        TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null,
        object? scope = null,
        SigningCredentials? credentials = null) =>
        Tokens.Mint(
            harness.Now, credentials ?? Tokens.Rs256(issuer.SigningKey), tokenIssuer ?? issuer.Issuer,
            subject, audience, expiresIn, notBeforeIn, scope);

    /// <summary>A harness with the shared secret configured (HS256 accepted) and user 1.</summary>
    private async Task<AuthHarness> Hs256HarnessAsync()
    {
        var settings = AuthHarness.SettingsFor(issuer);
        settings["Authentication:SharedSecret"] = Tokens.SharedSecret;
        var configured = AuthHarness.Create(settings);
        await configured.AddUserAsync(User(1));
        return configured;
    }

    /// <summary>An HS256 access token padded by a claim to exactly <paramref name="length"/> characters.</summary>
    private string Hs256TokenOfLength(DateTimeOffset now, int length)
    {
        string Padded(int padding) => Tokens.Signed(
            now, Tokens.Hs256(), issuer.Issuer,
            new Dictionary<string, object> { ["sub"] = "uid-0001", ["azp"] = Tokens.Audience, ["uid"] = "random-uid-value", ["pad"] = new string('x', padding) });

        // Base64url makes 4 characters of 3 bytes: start just short and grow the padding one byte at a time.
        var padding = (length - Padded(0).Length) * 3 / 4 - 3;
        var token = Padded(padding);
        while (token.Length < length)
        {
            token = Padded(++padding);
        }

        Assert.Equal(length, token.Length);
        return token;
    }

    [Fact]
    public async Task A_valid_token_authenticates_its_user_with_the_users_superuser_flag()
    {
        Assert.Equal(new Authenticated(new Caller(1, false)), await harness.AuthenticateBearerAsync(Mint("uid-0001")));
        Assert.Equal(new Authenticated(new Caller(2, true)), await harness.AuthenticateBearerAsync(Mint("uid-0002")));
    }

    [Fact]
    public async Task Keys_are_discovered_once_and_then_served_from_the_cache()
    {
        await harness.AuthenticateBearerAsync(Mint());
        await harness.AuthenticateBearerAsync(Mint());

        Assert.Equal(1, issuer.DiscoveryRequests);
        Assert.Equal(1, issuer.JwksRequests);
    }

    [Fact]
    public async Task An_expired_token_is_refused_once_past_the_clock_skew()
    {
        var token = Mint(expiresIn: TimeSpan.FromMinutes(5));
        harness.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(20));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));

        harness.Time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task A_token_not_yet_valid_is_refused_until_its_nbf_minus_the_clock_skew()
    {
        var token = Mint(notBeforeIn: TimeSpan.FromMinutes(2), expiresIn: TimeSpan.FromMinutes(10));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));

        harness.Time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(29));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(token));
    }

    [Theory]
    [InlineData("https://other.example.com/application/o/authcodes/")]
    [InlineData("{issuer}x/")]
    [InlineData("{issuer-without-slash}")]
    [InlineData("{issuer}/other/")] // another provider's issuer under this one's path: the configured issuer is its prefix
    public async Task A_token_from_another_issuer_is_refused(string tokenIssuer)
    {
        tokenIssuer = tokenIssuer
            .Replace("{issuer-without-slash}", issuer.Issuer.TrimEnd('/'), StringComparison.Ordinal)
            .Replace("{issuer}", issuer.Issuer.TrimEnd('/'), StringComparison.Ordinal);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(tokenIssuer: tokenIssuer)));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(audience: "another-client-id")));
    }

    [Theory]
    [InlineData("another-client-id")]
    [InlineData(Tokens.Audience + "/")] // audiences are compared exactly, trailing slash included
    public async Task A_token_for_another_audience_is_refused_even_when_its_azp_names_ours(string audience)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "uid-0001", ["azp"] = Tokens.Audience, ["uid"] = "random-uid-value" };

        var token = Tokens.Signed(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, claims, audience);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Contains("Bearer token refused: SecurityTokenInvalidAudienceException", harness.Logs.Collector.GetSnapshot().Select(record => record.Message));
    }

    [Fact]
    public async Task An_id_token_of_the_same_provider_is_refused_although_key_issuer_and_audience_match()
    {
        var idToken = Tokens.MintIdToken(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(idToken));
        Assert.Contains(
            "Bearer token refused: not an access token (no azp naming the audience, or no uid): an ID token?",
            harness.Logs.Collector.GetSnapshot().Select(record => record.Message));
    }

    [Theory]
    [InlineData("azp", "not an access token (no azp naming the audience, or no uid): an ID token?")]
    [InlineData("uid", "not an access token (no azp naming the audience, or no uid): an ID token?")]
    [InlineData("sub", "no sub claim")]
    public async Task A_token_missing_either_access_token_claim_or_its_subject_is_refused(string claim, string reason)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "uid-0001", ["azp"] = Tokens.Audience, ["uid"] = "random-uid-value" };
        claims.Remove(claim);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Tokens.Signed(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, claims)));
        Assert.Equal("Bearer token refused: " + reason, harness.Logs.Collector.LatestRecord.Message);
    }

    [Fact]
    public async Task An_access_token_whose_azp_names_another_client_is_refused()
    {
        var claims = new Dictionary<string, object> { ["sub"] = "uid-0001", ["azp"] = "another-client-id", ["uid"] = "random-uid-value" };

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Tokens.Signed(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, claims)));
    }

    [Fact]
    public async Task A_token_signed_by_another_key_with_the_same_kid_is_refused()
    {
        using var otherRsa = RSA.Create(2048);
        var forged = new RsaSecurityKey(otherRsa) { KeyId = issuer.SigningKey.KeyId };

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(credentials: Tokens.Rs256(forged))));
    }

    [Fact]
    public async Task A_token_naming_an_unknown_key_is_refused_and_makes_us_fetch_the_keys_again()
    {
        await harness.AuthenticateBearerAsync(Mint());
        using var rotatedRsa = RSA.Create(2048);
        var rotated = new RsaSecurityKey(rotatedRsa) { KeyId = "key-2" };

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(credentials: Tokens.Rs256(rotated))));

        // IdentityModel refreshes in the background: wait for the signal that the JWKS was asked for again.
        // That refresh is a real HTTP request to the loopback issuer on a thread-pool task, which no
        // fake clock drives; the real-time bound only turns a missing refresh into a failure, not a hang.
        await issuer.JwksRequested(2).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_token_whose_signature_was_tampered_with_is_refused()
    {
        var token = Mint();
        var tampered = token[..^4] + (token[^4] == 'A' ? "B" : "A") + token[^3..];

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(tampered));
    }

    [Fact]
    public async Task An_unsigned_alg_none_token_is_refused_without_asking_the_issuer()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Tokens.Unsigned(harness.Now, issuer.Issuer)));
        Assert.Equal(0, issuer.TotalRequests);
    }

    [Fact]
    public async Task An_HS256_token_is_refused_when_no_shared_secret_is_configured()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(credentials: Tokens.Hs256())));
        Assert.Equal(0, issuer.TotalRequests);
    }

    [Fact]
    public async Task An_HS256_token_is_accepted_with_the_configured_shared_secret_and_without_discovery()
    {
        await using var hs256 = await Hs256HarnessAsync();

        var token = Tokens.Mint(hs256.Now, Tokens.Hs256(), issuer.Issuer);

        Assert.Equal(new Authenticated(new Caller(1, false)), await hs256.AuthenticateBearerAsync(token));
        Assert.Equal(0, issuer.TotalRequests);
    }

    [Fact]
    public async Task An_HS256_token_signed_with_another_secret_is_refused()
    {
        await using var hs256 = await Hs256HarnessAsync();

        var token = Tokens.Mint(hs256.Now, Tokens.Hs256(Tokens.SharedSecret + "-other"), issuer.Issuer);

        Assert.Equal(Refused.InvalidToken, await hs256.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task A_token_of_exactly_the_maximum_size_is_read_and_one_character_more_is_refused_unread()
    {
        await using var hs256 = await Hs256HarnessAsync();
        var token = Hs256TokenOfLength(hs256.Now, 256_000); // JsonWebTokenHandler.MaximumTokenSizeInBytes by default (250 KiB)

        Assert.Equal(new Authenticated(new Caller(1, false)), await hs256.AuthenticateBearerAsync(token));
        Assert.Equal(Refused.InvalidToken, await hs256.AuthenticateBearerAsync(token + "A"));
        Assert.Equal("Bearer token refused: not a compact JWS", hs256.Logs.Collector.LatestRecord.Message);
    }

    [Theory]
    [InlineData("openid profile")]
    [InlineData("")]
    [InlineData("goauthentik.io/api2 openid")]
    public async Task A_scope_claim_without_the_api_scope_is_refused(string scope)
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(scope: scope)));
    }

    [Fact]
    public async Task A_scope_claim_array_without_the_api_scope_is_refused()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint(scope: new[] { "openid", "profile" })));
    }

    [Fact]
    public async Task A_scope_claim_with_the_api_scope_is_accepted_as_string_or_array()
    {
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(Mint(scope: "openid goauthentik.io/api profile")));
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(Mint(scope: new[] { "openid", "goauthentik.io/api" })));
    }

    [Fact]
    public async Task A_token_for_an_unknown_user_is_refused()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint("uid-9999")));
    }

    [Fact]
    public async Task A_token_for_an_inactive_user_is_refused()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Mint("uid-0003")));
    }

    [Fact]
    public async Task An_opaque_api_token_is_refused_without_any_request_to_the_issuer()
    {
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(Tokens.Opaque()));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync("not.a.jwt"));
        Assert.Equal(0, issuer.TotalRequests);
    }

    [Fact]
    public async Task An_unreachable_issuer_gives_issuer_unavailable_not_a_refusal()
    {
        issuer.MetadataDown = true;

        var outcome = await harness.AuthenticateBearerAsync(Mint());

        var unavailable = Assert.IsType<IssuerUnavailable>(outcome);
        Assert.Equal(TimeSpan.FromSeconds(30), unavailable.RetryAfter);
        Assert.DoesNotContain("127.0.0.1", unavailable.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", unavailable.Detail, StringComparison.Ordinal);
        Assert.True(issuer.DiscoveryRequests > 0);
    }

    [Fact]
    public async Task An_issuer_that_recovers_is_used_on_the_next_request()
    {
        issuer.MetadataDown = true;
        Assert.IsType<IssuerUnavailable>(await harness.AuthenticateBearerAsync(Mint()));

        issuer.MetadataDown = false;
        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(Mint()));
    }

    [Fact]
    public async Task An_issuer_refusing_connections_gives_issuer_unavailable()
    {
        var settings = AuthHarness.SettingsFor(issuer);
        settings["Authentication:Issuer"] = "http://127.0.0.1:1/application/o/authcodes/";
        await using var closed = AuthHarness.Create(settings);
        await closed.AddUserAsync(User(1));

        var token = Tokens.Mint(closed.Now, Tokens.Rs256(issuer.SigningKey), "http://127.0.0.1:1/application/o/authcodes/");

        Assert.IsType<IssuerUnavailable>(await closed.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task Trusted_signing_keys_validate_tokens_without_discovery()
    {
        using var devRsa = RSA.Create(2048);
        var devKey = new RsaSecurityKey(devRsa) { KeyId = "dev" };
        var settings = new Dictionary<string, string?> { ["Authentication:Audience"] = Tokens.Audience };
        await using var local = AuthHarness.Create(
            settings, services => services.PostConfigure<BearerAuthenticationOptions>(o => o.TrustedSigningKeys.Add(devKey)));
        await local.AddUserAsync(User(1));

        var token = Tokens.Mint(local.Now, Tokens.Rs256(devKey), "http://localhost/dev/");

        Assert.Equal(new Authenticated(new Caller(1, false)), await local.AuthenticateBearerAsync(token));
        Assert.Equal(Refused.InvalidToken, await local.AuthenticateBearerAsync(Mint()));
        Assert.Equal(0, issuer.TotalRequests);
    }
}
