using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Api.Tests;

/// <summary>Mints authentik-shaped access tokens (no <c>scope</c> unless asked) relative to a given now.</summary>
public static class Tokens
{
    public const string Audience = "authcodes-client-id";

    /// <summary>A client secret long enough for HS256, as authentik generates them.</summary>
    public const string SharedSecret = "hs256-client-secret-that-is-long-enough-0123456789abcdef";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Mint(
        DateTimeOffset now,
        SigningCredentials credentials,
        string issuer,
        string subject = "uid-0001",
        string audience = Audience,
        TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null,
        object? scope = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["azp"] = audience,
            ["uid"] = "random-uid-value",
            ["auth_time"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["acr"] = "goauthentik.io/providers/oauth2/default",
            ["amr"] = new[] { "pwd" },
        };
        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        return Signed(now, credentials, issuer, claims, audience, expiresIn, notBeforeIn);
    }

    /// <summary>
    /// An ID token as authentik writes one next to the access token: the same key, issuer, audience and
    /// subject, with <c>nonce</c> and <c>at_hash</c>, but without the access token's <c>azp</c> and <c>uid</c>.
    /// </summary>
    public static string MintIdToken(DateTimeOffset now, SigningCredentials credentials, string issuer, string subject = "uid-0001") =>
        Signed(now, credentials, issuer, new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["auth_time"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["acr"] = "goauthentik.io/providers/oauth2/default",
            ["amr"] = new[] { "pwd" },
            ["nonce"] = "client-nonce",
            ["at_hash"] = "mJ5bq2Vj0hPzVq3mJ5bq2V",
            ["sid"] = "hashed-session-key",
        });

    /// <summary>A token with exactly <paramref name="claims"/> besides <c>iss</c>, <c>aud</c>, <c>iat</c>, <c>nbf</c> and <c>exp</c>.</summary>
    public static string Signed(
        DateTimeOffset now,
        SigningCredentials credentials,
        string issuer,
        Dictionary<string, object> claims,
        string audience = Audience,
        TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null) =>
        Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = (now + (notBeforeIn ?? TimeSpan.Zero)).UtcDateTime,
            Expires = (now + (expiresIn ?? TimeSpan.FromMinutes(5))).UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
        });

    public static SigningCredentials Rs256(RsaSecurityKey key) => new(key, SecurityAlgorithms.RsaSha256);

    public static SigningCredentials Hs256(string secret = SharedSecret) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256);

    /// <summary>An unsigned token (<c>alg: none</c>, empty signature) with otherwise valid claims.</summary>
    public static string Unsigned(DateTimeOffset now, string issuer, string subject = "uid-0001")
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(
            $$"""{"iss":"{{issuer}}","sub":"{{subject}}","aud":"{{Audience}}","iat":{{now.ToUnixTimeSeconds()}},"exp":{{now.AddMinutes(5).ToUnixTimeSeconds()}}}""");
        return $"{header}.{payload}.";
    }

    /// <summary>An opaque authentik API token (random key, no dots).</summary>
    public static string Opaque() => Convert.ToHexString(RandomNumberGenerator.GetBytes(30));
}
