using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Api.Authentication;

/// <summary>The outcome of local JWT validation: the valid token, or why it was refused (for logs only).</summary>
internal readonly record struct TokenValidation(JsonWebToken? Token, string? RefusalReason)
{
    public static TokenValidation Valid(JsonWebToken token) => new(token, null);

    public static TokenValidation Refused(string reason) => new(null, reason);
}

/// <summary>
/// Validates authentik access tokens locally: exact issuer, audience, lifetime, signature, the
/// access-token claims that tell it from an ID token, and (when present) the API scope. Throws
/// <see cref="IssuerUnreachableException"/> only when keys are needed and cannot be had; every
/// fault of the token itself is a refusal.
/// </summary>
internal sealed class JwtTokenValidator
{
    /// <summary>The scope authentik requires of OAuth2 tokens used against its API.</summary>
    public const string ApiScope = "goauthentik.io/api";

    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    };

    private readonly JsonWebTokenHandler handler = new();
    private readonly BearerAuthenticationOptions options;
    private readonly IssuerMetadata metadata;
    private readonly TimeProvider timeProvider;
    private readonly SymmetricSecurityKey? sharedSecretKey;

    public JwtTokenValidator(IOptions<BearerAuthenticationOptions> options, IssuerMetadata metadata, TimeProvider timeProvider)
    {
        this.options = options.Value;
        this.metadata = metadata;
        this.timeProvider = timeProvider;
        // authentik signs HS256 with the UTF-8 bytes of the provider's client secret.
        sharedSecretKey = string.IsNullOrEmpty(this.options.SharedSecret)
            ? null
            : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(this.options.SharedSecret));
    }

    public async Task<TokenValidation> ValidateAsync(string credential, CancellationToken cancellationToken)
    {
        // Shape first, so opaque API tokens and garbage never cost a request to the issuer.
        if (!TryReadJws(credential, out var jws))
        {
            return TokenValidation.Refused("not a compact JWS");
        }

        IEnumerable<SecurityKey> keys;
        if (jws.Alg == SecurityAlgorithms.HmacSha256)
        {
            if (sharedSecretKey is null)
            {
                return TokenValidation.Refused("HS256 token but no shared secret is configured");
            }

            keys = [sharedSecretKey];
        }
        else if (AsymmetricAlgorithms.Contains(jws.Alg))
        {
            keys = await AsymmetricKeysAsync(jws, cancellationToken);
        }
        else
        {
            // Covers "none" (unsigned) and anything authentik does not issue.
            return TokenValidation.Refused("signature algorithm not accepted");
        }

        var result = await handler.ValidateTokenAsync(jws, ParametersFor(jws.Alg, keys));
        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            // The exception type says enough (expired, bad signature...); its message may quote claims.
            return TokenValidation.Refused(result.Exception?.GetType().Name ?? "invalid token");
        }

        if (string.IsNullOrEmpty(token.Subject))
        {
            return TokenValidation.Refused("no sub claim");
        }

        if (!IsAccessToken(token))
        {
            return TokenValidation.Refused("not an access token (no azp naming the audience, or no uid): an ID token?");
        }

        return HasApiScopeOrNone(token)
            ? TokenValidation.Valid(token)
            : TokenValidation.Refused("scope claim without " + ApiScope);
    }

    /// <summary>
    /// authentik signs its ID tokens with the same key, issuer and audience as its access tokens, and
    /// neither has a <c>typ</c> of its own. Only access tokens carry <c>azp</c> (the client id) and a
    /// random <c>uid</c>: authentik writes an access token as the ID token's claims plus these two.
    /// </summary>
    private bool IsAccessToken(JsonWebToken token) =>
        token.TryGetPayloadValue<string>("azp", out var azp) && string.Equals(azp, options.Audience, StringComparison.Ordinal)
        && token.TryGetPayloadValue<string>("uid", out var uid) && !string.IsNullOrEmpty(uid);

    /// <summary>
    /// authentik's tokens carry no <c>scope</c>; when another issuer's do, it must grant the API
    /// scope. The claim may be a space-separated string or an array (one claim per element).
    /// </summary>
    private static bool HasApiScopeOrNone(JsonWebToken token)
    {
        var scopeClaims = token.Claims.Where(claim => claim.Type == "scope").ToList();
        return scopeClaims.Count == 0
            || scopeClaims.Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(ApiScope, StringComparer.Ordinal));
    }

    private bool TryReadJws(string credential, out JsonWebToken jws)
    {
        jws = null!;
        if (credential.Length == 0 || credential.Length > handler.MaximumTokenSizeInBytes)
        {
            return false;
        }

        try
        {
            jws = new JsonWebToken(credential);
        }
        catch (ArgumentException)
        {
            return false; // SecurityTokenMalformedException derives from ArgumentException.
        }

        return !jws.IsEncrypted;
    }

    private async Task<IEnumerable<SecurityKey>> AsymmetricKeysAsync(JsonWebToken jws, CancellationToken cancellationToken)
    {
        if (options.TrustedSigningKeys.Count > 0)
        {
            return options.TrustedSigningKeys;
        }

        var configuration = await metadata.GetAsync(cancellationToken);
        if (!string.IsNullOrEmpty(jws.Kid) && !configuration.SigningKeys.Any(key => key.KeyId == jws.Kid))
        {
            // The issuer may have rotated its key. IdentityModel 8 refreshes in the background by
            // default, so this request is still checked with the keys we have; retries see the new ones.
            metadata.RequestRefresh();
            configuration = await metadata.GetAsync(cancellationToken);
        }

        return configuration.SigningKeys;
    }

    /// <summary><c>exp</c> is required; both bounds get <see cref="BearerAuthenticationOptions.ClockSkew"/>.</summary>
    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        return expires is { } end
            && now - options.ClockSkew < end
            && (notBefore is not { } start || start <= now + options.ClockSkew);
    }

    private TokenValidationParameters ParametersFor(string algorithm, IEnumerable<SecurityKey> keys)
    {
        var issuer = options.Issuer;
        return new TokenValidationParameters
        {
            // Exact, ordinal issuer match: authentik issuers differ per provider only by path. No
            // issuer is configured only with trusted development keys (a delegate would run anyway).
            ValidateIssuer = issuer is not null,
            IssuerValidator = issuer is null ? null : (tokenIssuer, _, _) => string.Equals(tokenIssuer, issuer, StringComparison.Ordinal)
                ? tokenIssuer
                : throw new SecurityTokenInvalidIssuerException("The token's issuer is not the configured issuer."),
            ValidateAudience = true,
            ValidAudience = options.Audience,
            IgnoreTrailingSlashWhenValidatingAudience = false,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            // IdentityModel 8 reads the system clock; our own check uses the injected TimeProvider.
            LifetimeValidator = IsWithinLifetime,
            RequireSignedTokens = true,
            ValidAlgorithms = [algorithm],
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
        };
    }
}
