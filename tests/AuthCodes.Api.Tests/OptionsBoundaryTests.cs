using AuthCodes.Api.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Tests;

/// <summary>Each bound of the authentication settings, on both sides, with the exact start-up failure it gives (none: valid).</summary>
public sealed class OptionsBoundaryTests
{
    private static Dictionary<string, string?> Valid(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "https://auth.example.com/application/o/authcodes/",
            ["Authentication:Audience"] = Tokens.Audience,
        };
        foreach (var (key, value) in extra)
        {
            settings["Authentication:" + key] = value;
        }

        return settings;
    }

    private static async Task<string[]> FailuresAsync(Dictionary<string, string?> settings)
    {
        await using var harness = AuthHarness.Create(settings);
        try
        {
            harness.ValidatedOptions();
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
    }

    [Theory]
    [InlineData("ClockSkew", "00:00:00", null)]
    [InlineData("ClockSkew", "00:05:00", null)]
    [InlineData("ClockSkew", "-00:00:00.001", "Authentication:ClockSkew must be between 0 and 5 minutes.")]
    [InlineData("ClockSkew", "00:05:00.001", "Authentication:ClockSkew must be between 0 and 5 minutes.")]
    [InlineData("BackchannelTimeout", "00:00:00", "Authentication:BackchannelTimeout must be positive and at most 2 minutes.")]
    [InlineData("BackchannelTimeout", "00:00:00.001", null)]
    [InlineData("BackchannelTimeout", "00:02:00", null)]
    [InlineData("BackchannelTimeout", "00:02:00.001", "Authentication:BackchannelTimeout must be positive and at most 2 minutes.")]
    [InlineData("CallerCacheDuration", "00:00:00", null)]
    [InlineData("CallerCacheDuration", "00:05:00", null)]
    [InlineData("SharedSecret", "0123456789abcdef0123456789abcdef", null)] // 32 bytes
    [InlineData("SharedSecret", "éééééééééééééééé", null)] // 16 characters, 32 bytes in UTF-8
    [InlineData("SharedSecret", "0123456789abcdef0123456789abcde", "Authentication:SharedSecret must be at least 32 bytes long.")]
    [InlineData("MetadataAddress", "not a url", "Authentication:MetadataAddress must be an absolute http(s) URL.")]
    [InlineData("MetadataAddress", "ftp://auth.example.com/.well-known/openid-configuration", "Authentication:MetadataAddress must be an absolute http(s) URL.")]
    [InlineData("MetadataAddress", "http://auth.example.com/.well-known/openid-configuration", "Authentication:MetadataAddress is plain HTTP: set Authentication:RequireHttpsMetadata to false for a development issuer.")]
    [InlineData("Issuer", "ftp://auth.example.com/", "Authentication:Issuer must be an absolute http(s) URL.")]
    public async Task Settings_at_and_past_their_bounds(string key, string value, string? failure)
    {
        Assert.Equal(failure is null ? [] : [failure], await FailuresAsync(Valid((key, value))));
    }

    [Theory]
    [InlineData("Issuer", "http://auth.example.com/")]
    [InlineData("MetadataAddress", "http://auth.example.com/.well-known/openid-configuration")]
    [InlineData("Introspection:Endpoint", "http://auth.example.com/introspect/")]
    public async Task Plain_http_addresses_are_accepted_once_https_is_not_required(string key, string value)
    {
        Assert.Empty(await FailuresAsync(Valid((key, value), ("RequireHttpsMetadata", "false"), ("Introspection:Enabled", "true"), ("Introspection:ClientId", "id"), ("Introspection:ClientSecret", "secret"))));
    }

    [Theory]
    [InlineData("ClientSecret", "", "Authentication:Introspection:ClientId and ClientSecret are required when introspection is enabled.")]
    [InlineData("ClientId", "", "Authentication:Introspection:ClientId and ClientSecret are required when introspection is enabled.")]
    [InlineData("Endpoint", "introspect", "Authentication:Introspection:Endpoint must be an absolute http(s) URL.")]
    [InlineData("Endpoint", "http://auth.example.com/introspect/", "Authentication:Introspection:Endpoint is plain HTTP: set Authentication:RequireHttpsMetadata to false for a development issuer.")]
    [InlineData("CacheSize", "0", "Authentication:Introspection:CacheSize must be at least 1.")]
    [InlineData("CacheSize", "1", null)]
    [InlineData("NegativeCacheDuration", "-00:00:00.001", "Authentication:Introspection:NegativeCacheDuration must not be negative.")]
    [InlineData("NegativeCacheDuration", "00:00:00", null)]
    [InlineData("PositiveCacheDuration", "00:00:00", null)]
    public async Task Introspection_settings_at_and_past_their_bounds(string key, string value, string? failure)
    {
        var settings = Valid(("Introspection:Enabled", "true"), ("Introspection:ClientId", "id"), ("Introspection:ClientSecret", "secret"), ("Introspection:" + key, value));

        Assert.Equal(failure is null ? [] : [failure], await FailuresAsync(settings));
    }

    [Fact]
    public async Task Valid_settings_pass_the_validator_itself()
    {
        await using var harness = AuthHarness.Create(Valid());
        var options = harness.ValidatedOptions();

        var result = Assert.Single(harness.Services.GetServices<IValidateOptions<BearerAuthenticationOptions>>()).Validate(Options.DefaultName, options);

        Assert.True(result.Succeeded);
    }
}
