using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// RFC 7662 introspection of tokens that passed local validation: the only way to see revocation
/// and scope of authentik tokens. Verdicts are cached under a SHA-256 of the token (the raw token
/// is never a key, so a heap dump of the cache reveals none): an acceptance for at most
/// <see cref="IntrospectionOptions.PositiveCacheDuration"/> (a revocation is seen that late at
/// worst), a refusal for <see cref="IntrospectionOptions.NegativeCacheDuration"/>.
/// </summary>
internal sealed class TokenIntrospector : IDisposable
{
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    private readonly IntrospectionOptions options;
    private readonly bool requireHttps;
    private readonly IHttpClientFactory httpClientFactory;
    private readonly IssuerMetadata metadata;
    private readonly TimeProvider timeProvider;
    private readonly MemoryCache cache;

    public TokenIntrospector(
        IOptions<BearerAuthenticationOptions> options, IHttpClientFactory httpClientFactory, IssuerMetadata metadata, TimeProvider timeProvider)
    {
        this.options = options.Value.Introspection;
        requireHttps = options.Value.RequireHttpsMetadata;
        this.httpClientFactory = httpClientFactory;
        this.metadata = metadata;
        this.timeProvider = timeProvider;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, this.options.CacheSize) });
    }

    /// <summary>
    /// Whether the issuer says the token is active and grants the API scope. Throws
    /// <see cref="IssuerUnreachableException"/> when the endpoint cannot give an answer.
    /// </summary>
    public async Task<bool> IsActiveAsync(string token, DateTimeOffset tokenExpires, CancellationToken cancellationToken)
    {
        var key = CacheKey(token);
        var now = timeProvider.GetUtcNow();
        // The cache's own clock is the system clock; the verdict's end is checked with ours.
        if (cache.TryGetValue(key, out Verdict? cached) && cached is not null && cached.ValidUntil > now)
        {
            return cached.Active;
        }

        var (active, responseExpires) = await IntrospectAsync(token, cancellationToken);
        var validUntil = active
            ? Min(Min(tokenExpires, responseExpires ?? tokenExpires), now + options.PositiveCacheDuration)
            : now + options.NegativeCacheDuration;
        if (validUntil > now)
        {
            using var entry = cache.CreateEntry(key);
            entry.Value = new Verdict(active, validUntil);
            entry.Size = 1;
            entry.AbsoluteExpirationRelativeToNow = validUntil - now;
        }

        return active;
    }

    public void Dispose() => cache.Dispose();

    private static string CacheKey(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private async Task<(bool Active, DateTimeOffset? Expires)> IntrospectAsync(string token, CancellationToken cancellationToken)
    {
        var endpoint = await EndpointAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };
        // authentik reads Basic credentials without URL-decoding them, so they are sent as they are.
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ClientId}:{options.ClientSecret}")));

        try
        {
            using var client = httpClientFactory.CreateClient(IssuerDocumentRetriever.HttpClientName);
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new IssuerUnreachableException($"The introspection endpoint answered {(int)response.StatusCode}.");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            return Read(document.RootElement);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException
                                          || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new IssuerUnreachableException("The introspection endpoint could not be used.", exception);
        }
    }

    /// <summary>Active only for JSON <c>true</c>; a present <c>scope</c> must grant the API scope.</summary>
    private static (bool Active, DateTimeOffset? Expires) Read(JsonElement response)
    {
        if (response.ValueKind != JsonValueKind.Object
            || !response.TryGetProperty("active", out var active)
            || active.ValueKind != JsonValueKind.True)
        {
            return (false, null);
        }

        if (response.TryGetProperty("scope", out var scope)
            && (scope.ValueKind != JsonValueKind.String
                || !scope.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(JwtTokenValidator.ApiScope, StringComparer.Ordinal)))
        {
            return (false, null);
        }

        DateTimeOffset? expires = response.TryGetProperty("exp", out var exp)
                                     && exp.ValueKind == JsonValueKind.Number
                                     && exp.TryGetInt64(out var seconds)
                                     && seconds is > 0 and < MaxUnixSeconds
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
        return (true, expires);
    }

    private async Task<Uri> EndpointAsync(CancellationToken cancellationToken)
    {
        var address = options.Endpoint ?? (await metadata.GetAsync(cancellationToken)).IntrospectionEndpoint;
        if (string.IsNullOrEmpty(address) || !Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new IssuerUnreachableException("The issuer publishes no usable introspection endpoint.");
        }

        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new IssuerUnreachableException("The introspection endpoint is not HTTPS.");
        }

        return uri;
    }

    private sealed record Verdict(bool Active, DateTimeOffset ValidUntil);
}
