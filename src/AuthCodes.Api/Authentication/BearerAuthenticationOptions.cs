using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// How bearer tokens are validated (configuration section <c>Authentication</c>). The tokens are
/// authentik access tokens (JWTs) for the API's own authentik OAuth2 provider.
/// </summary>
public sealed class BearerAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>
    /// The issuer, compared exactly with the token's <c>iss</c>, e.g.
    /// <c>https://auth.example.com/application/o/authcodes/</c>. Required unless
    /// <see cref="TrustedSigningKeys"/> has a key (then, when unset, <c>iss</c> is not checked).
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Required: the client id of the API's own authentik provider (the token's <c>aud</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>The provider's <c>sub_mode</c>, which says how <c>sub</c> maps to a user (default <c>hashed_user_id</c>).</summary>
    public string SubjectMode { get; set; } = "hashed_user_id";

    /// <summary>OIDC discovery document; defaults to <c>{Issuer}.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// Refuse plain-HTTP metadata, key and introspection addresses (default true). Set to false only for
    /// a loopback or development issuer served over <c>http://</c>.
    /// </summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The provider's client secret, for providers without a signing key (authentik then signs HS256
    /// with it). HS256 tokens are refused unless this is set.
    /// </summary>
    public string? SharedSecret { get; set; }

    /// <summary>Tolerated clock difference with the issuer for <c>exp</c> and <c>nbf</c> (default 30 s, at most 5 min).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one request to the issuer (discovery, keys, introspection; default 10 s).</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the user behind a token's subject is reused without a store look-up (default 30 s,
    /// never past the token's expiry; zero turns it off): the longest a user change applied by another
    /// instance takes to reach this one's callers. This instance's own projector drops it at once.
    /// </summary>
    public TimeSpan CallerCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Optional RFC 7662 introspection of every token (revocation and scope).</summary>
    public IntrospectionOptions Introspection { get; set; } = new();

    /// <summary>
    /// Keys trusted without discovery (the local host's development key). Not bound from
    /// configuration: only code may add one, and only in the Development environment.
    /// </summary>
    public IList<SecurityKey> TrustedSigningKeys { get; } = [];
}

/// <summary>RFC 7662 token introspection, for deployments that need revocation and scope enforcement.</summary>
public sealed class IntrospectionOptions
{
    /// <summary>Introspect every token that passed local validation (default false).</summary>
    public bool Enabled { get; set; }

    /// <summary>Defaults to the discovery document's <c>introspection_endpoint</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Client id sent with HTTP Basic authentication to the endpoint; required when enabled.</summary>
    public string? ClientId { get; set; }

    /// <summary>Client secret sent with HTTP Basic authentication to the endpoint; required when enabled.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Bound on cached introspection results (default 10 000).</summary>
    public int CacheSize { get; set; } = 10_000;

    /// <summary>
    /// How long an acceptance is reused before the issuer is asked again (default 60 s, never past the
    /// token's expiry): the longest a revoked token keeps working on an instance.
    /// </summary>
    public TimeSpan PositiveCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a refusal (inactive token, missing scope) is remembered (default 30 s).</summary>
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}
