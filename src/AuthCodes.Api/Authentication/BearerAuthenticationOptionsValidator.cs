using System.Text;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Authentication;

/// <summary>Fails start-up on settings that would refuse every caller or weaken validation.</summary>
internal sealed class BearerAuthenticationOptionsValidator : IValidateOptions<BearerAuthenticationOptions>
{
    private const string Section = BearerAuthenticationOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BearerAuthenticationOptions options)
    {
        var failures = new List<string>();
        var discovery = options.TrustedSigningKeys.Count == 0;

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{Section}:Audience (the provider's client id) is required.");
        }

        // Only the local host's development key (code, Development only) makes the issuer optional.
        if (string.IsNullOrWhiteSpace(options.Issuer) && discovery)
        {
            failures.Add($"{Section}:Issuer (the provider's issuer, e.g. https://auth.example.com/application/o/<slug>/) is required.");
        }

        if (discovery)
        {
            // With trusted keys the issuer is only compared, never fetched (e.g. the local development issuer).
            CheckAddress(failures, "Issuer", options.Issuer, options.RequireHttpsMetadata);
        }

        CheckAddress(failures, "MetadataAddress", options.MetadataAddress, options.RequireHttpsMetadata);

        try
        {
            SubjectModes.Parse(options.SubjectMode);
        }
        catch (ArgumentException exception)
        {
            failures.Add($"{Section}:SubjectMode: {exception.Message}");
        }

        // HS256 needs at least a 256-bit key; authentik's generated client secrets are far longer.
        if (!string.IsNullOrEmpty(options.SharedSecret) && Encoding.UTF8.GetByteCount(options.SharedSecret) < 32)
        {
            failures.Add($"{Section}:SharedSecret must be at least 32 bytes long.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:ClockSkew must be between 0 and 5 minutes.");
        }

        if (options.BackchannelTimeout <= TimeSpan.Zero || options.BackchannelTimeout > TimeSpan.FromMinutes(2))
        {
            failures.Add($"{Section}:BackchannelTimeout must be positive and at most 2 minutes.");
        }

        if (options.CallerCacheDuration < TimeSpan.Zero || options.CallerCacheDuration > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Section}:CallerCacheDuration must be between 0 and 5 minutes.");
        }

        var introspection = options.Introspection;
        if (introspection.Enabled)
        {
            if (string.IsNullOrEmpty(introspection.ClientId) || string.IsNullOrEmpty(introspection.ClientSecret))
            {
                failures.Add($"{Section}:Introspection:ClientId and ClientSecret are required when introspection is enabled.");
            }

            if (introspection.Endpoint is null && string.IsNullOrWhiteSpace(options.Issuer) && options.MetadataAddress is null)
            {
                failures.Add($"{Section}:Introspection:Endpoint is required when there is no issuer to discover it from.");
            }

            CheckAddress(failures, "Introspection:Endpoint", introspection.Endpoint, options.RequireHttpsMetadata);

            if (introspection.CacheSize < 1)
            {
                failures.Add($"{Section}:Introspection:CacheSize must be at least 1.");
            }

            if (introspection.NegativeCacheDuration < TimeSpan.Zero)
            {
                failures.Add($"{Section}:Introspection:NegativeCacheDuration must not be negative.");
            }

            if (introspection.PositiveCacheDuration < TimeSpan.Zero)
            {
                failures.Add($"{Section}:Introspection:PositiveCacheDuration must not be negative.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckAddress(List<string> failures, string setting, string? address, bool requireHttps)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return;
        }

        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"{Section}:{setting} must be an absolute http(s) URL.");
        }
        else if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{Section}:{setting} is plain HTTP: set {Section}:RequireHttpsMetadata to false for a development issuer.");
        }
    }
}
