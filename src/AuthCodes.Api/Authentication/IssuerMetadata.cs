using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// The issuer's discovery document and signing keys, cached and refreshed by IdentityModel's
/// <see cref="ConfigurationManager{T}"/> (automatic refresh every 12 h; <see cref="RequestRefresh"/>
/// is rate-limited to once per 5 min, so unknown <c>kid</c>s cannot make us hammer the issuer).
/// </summary>
internal sealed class IssuerMetadata
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? manager;

    public IssuerMetadata(IOptions<BearerAuthenticationOptions> options, IHttpClientFactory httpClientFactory)
    {
        var settings = options.Value;
        if (settings.TrustedSigningKeys.Count > 0 && string.IsNullOrEmpty(settings.MetadataAddress))
        {
            return; // Development key only: the issuer is a name to compare, nothing to discover.
        }

        manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            MetadataAddressOf(settings),
            new OpenIdConnectConfigurationRetriever(),
            new IssuerDocumentRetriever(httpClientFactory, settings.RequireHttpsMetadata));
    }

    /// <summary>The configured discovery address, or authentik's per-provider default under the issuer.</summary>
    public static string MetadataAddressOf(BearerAuthenticationOptions options) =>
        options.MetadataAddress
        ?? $"{options.Issuer?.TrimEnd('/')}/.well-known/openid-configuration";

    /// <summary>The cached configuration; <see cref="IssuerUnreachableException"/> when it was never fetched and cannot be now.</summary>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        if (manager is null)
        {
            throw new IssuerUnreachableException("No issuer metadata address is configured.");
        }

        try
        {
            return await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // ConfigurationManager returns stale metadata when a refresh fails, so this is only
            // reached when we have nothing to validate with: not the caller's fault.
            throw new IssuerUnreachableException("The issuer's metadata or signing keys could not be fetched.", exception);
        }
    }

    /// <summary>Ask for fresh keys (a token names a key we do not know: the issuer may have rotated).</summary>
    public void RequestRefresh() => manager?.RequestRefresh();
}

/// <summary>The issuer (metadata, keys or introspection) cannot be used right now; the caller may retry.</summary>
internal sealed class IssuerUnreachableException : Exception
{
    public IssuerUnreachableException(string message)
        : base(message)
    {
    }

    public IssuerUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Fetches issuer documents through <see cref="IHttpClientFactory"/> (pooled handlers, configured
/// timeout) and refuses plain HTTP unless the options allow it.
/// </summary>
internal sealed class IssuerDocumentRetriever(IHttpClientFactory httpClientFactory, bool requireHttps) : IDocumentRetriever
{
    public const string HttpClientName = "AuthCodes.Api.Issuer";

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        var uri = new Uri(address, UriKind.Absolute);
        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new IssuerUnreachableException($"Issuer document address '{uri.GetLeftPart(UriPartial.Path)}' is not HTTPS.");
        }

        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.GetAsync(uri, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new IssuerUnreachableException(
                $"Issuer document '{uri.GetLeftPart(UriPartial.Path)}' answered {(int)response.StatusCode}.");
        }

        return await response.Content.ReadAsStringAsync(cancel);
    }
}
