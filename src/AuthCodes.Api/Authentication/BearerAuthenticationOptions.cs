using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// How bearer tokens are validated (configuration section <c>Authentication</c>). The tokens are
/// authentik access tokens (JWTs) for the API's own authentik OAuth2 provider.
/// </summary>
public sealed class BearerAuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>The issuer, e.g. <c>https://auth.example.com/application/o/authcodes/</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The client id of the API's own authentik provider (the token's <c>aud</c>).</summary>
    public string? Audience { get; set; }

    /// <summary>The provider's <c>sub_mode</c>, which says how <c>sub</c> maps to a user.</summary>
    public string SubjectMode { get; set; } = "hashed_user_id";

    /// <summary>OIDC discovery document; defaults to <c>{Issuer}.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Only loopback test issuers may be plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The provider's client secret, for providers without a signing key (authentik then signs HS256
    /// with it). HS256 tokens are refused unless this is set.
    /// </summary>
    public string? SharedSecret { get; set; }

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
    public bool Enabled { get; set; }

    /// <summary>Defaults to the discovery document's <c>introspection_endpoint</c>.</summary>
    public string? Endpoint { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Bound on cached introspection results (each kept until its token's <c>exp</c>).</summary>
    public int CacheSize { get; set; } = 10_000;
}
