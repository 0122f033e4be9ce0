using System.Security.Cryptography;
using AuthCodes.Api.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Api.Tests;

public sealed class OptionsValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["Authentication:Issuer"] = "https://auth.example.com/application/o/authcodes/",
        ["Authentication:Audience"] = Tokens.Audience,
    };

    private static string Failure(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var harness = AuthHarness.Create(settings, configure);
        try
        {
            return Assert.Throws<OptionsValidationException>(() => harness.ValidatedOptions()).Message;
        }
        finally
        {
            harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Fact]
    public async Task Https_issuer_and_audience_are_enough()
    {
        await using var harness = AuthHarness.Create(Valid());
        var options = harness.ValidatedOptions();

        Assert.True(options.RequireHttpsMetadata);
        Assert.Equal("hashed_user_id", options.SubjectMode);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ClockSkew);
        Assert.Equal(TimeSpan.FromSeconds(30), options.CallerCacheDuration);
    }

    [Fact]
    public void A_negative_positive_introspection_cache_duration_is_refused()
    {
        var settings = Valid();
        settings["Authentication:Introspection:Enabled"] = "true";
        settings["Authentication:Introspection:ClientId"] = "authcodes";
        settings["Authentication:Introspection:ClientSecret"] = "secret";
        settings["Authentication:Introspection:PositiveCacheDuration"] = "-00:00:01";

        Assert.Contains("Authentication:Introspection:PositiveCacheDuration must not be negative.", Failure(settings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:05:01")]
    public void A_caller_cache_duration_outside_0_to_5_minutes_is_refused(string duration)
    {
        var settings = Valid();
        settings["Authentication:CallerCacheDuration"] = duration;

        Assert.Contains("Authentication:CallerCacheDuration must be between 0 and 5 minutes.", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void The_audience_is_required()
    {
        var settings = Valid();
        settings.Remove("Authentication:Audience");

        Assert.Contains("Authentication:Audience", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void The_issuer_is_required_without_trusted_keys()
    {
        var settings = Valid();
        settings.Remove("Authentication:Issuer");

        Assert.Contains("Authentication:Issuer", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trusted_keys_added_by_post_configure_make_the_issuer_optional()
    {
        var settings = Valid();
        settings.Remove("Authentication:Issuer");
        using var rsa = RSA.Create(2048);
        await using var harness = AuthHarness.Create(
            settings, services => services.PostConfigure<BearerAuthenticationOptions>(o => o.TrustedSigningKeys.Add(new RsaSecurityKey(rsa))));

        Assert.Single(harness.ValidatedOptions().TrustedSigningKeys);
    }

    [Fact]
    public void A_plain_http_issuer_needs_require_https_metadata_turned_off()
    {
        var settings = Valid();
        settings["Authentication:Issuer"] = "http://auth.example.com/application/o/authcodes/";

        Assert.Contains("RequireHttpsMetadata", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_subject_mode_fails_start_up()
    {
        var settings = Valid();
        settings["Authentication:SubjectMode"] = "user_nickname";

        Assert.Contains("SubjectMode", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_shared_secret_fails_start_up()
    {
        var settings = Valid();
        settings["Authentication:SharedSecret"] = "short";

        Assert.Contains("SharedSecret", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Introspection_needs_client_credentials()
    {
        var settings = Valid();
        settings["Authentication:Introspection:Enabled"] = "true";

        Assert.Contains("Introspection:ClientId", Failure(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Introspection_without_an_issuer_needs_an_endpoint()
    {
        var settings = Valid();
        settings.Remove("Authentication:Issuer");
        settings["Authentication:Introspection:Enabled"] = "true";
        settings["Authentication:Introspection:ClientId"] = "id";
        settings["Authentication:Introspection:ClientSecret"] = "secret";
        using var rsa = RSA.Create(2048);

        var message = Failure(settings, services => services.PostConfigure<BearerAuthenticationOptions>(o => o.TrustedSigningKeys.Add(new RsaSecurityKey(rsa))));

        Assert.Contains("Introspection:Endpoint", message, StringComparison.Ordinal);
    }
}
