using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// One listed authorization code, denormalized: the provider and user are embedded as the API shows
/// them, so a page is written without further look-ups. The code's secrets never reach this type, and
/// neither does the provider's <c>client_secret</c> (it stays in the provider snapshot).
/// </summary>
public sealed record CodeDocument(
    long Pk,
    ProviderView Provider,
    UserView User,
    DateTimeOffset? Expires,
    bool Expiring,
    IReadOnlyList<string> Scope)
{
    /// <summary>authentik's <c>is_expired</c>; computed when a response is written, never stored.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => Expiring && Expires is { } expires && now > expires;

    /// <summary>
    /// The embedded store's rendering of this very instance (<see cref="RenderedCode.Of"/> checks that it is this
    /// instance's, since <c>with</c> copies it). A field on the document rather than a ConditionalWeakTable: a
    /// table entry per stored code is a GC handle, and with 100,000 codes held they tripled the cost of a code event.
    /// </summary>
    internal RenderedCode? Rendering { get; set; }
}

/// <summary>An OAuth2 provider as authentik's nested <c>OAuth2Provider</c> serializer shows it, minus the secret.</summary>
public sealed record ProviderView(
    long Pk,
    string Name,
    Guid? AuthenticationFlow,
    Guid? AuthorizationFlow,
    IReadOnlyList<Guid> PropertyMappings,
    string? AssignedApplicationSlug,
    string? AssignedApplicationName,
    string? AssignedBackchannelApplicationSlug,
    string? AssignedBackchannelApplicationName,
    string ClientType,
    string ClientId,
    string AccessCodeValidity,
    string AccessTokenValidity,
    string RefreshTokenValidity,
    bool IncludeClaimsInIdToken,
    Guid? SigningKey,
    string RedirectUris,
    string SubMode,
    string IssuerMode,
    IReadOnlyList<Guid> JwksSources)
{
    public const string Component = "ak-provider-oauth2-form";
    public const string VerboseName = "OAuth2/OpenID Provider";
    public const string VerboseNamePlural = "OAuth2/OpenID Providers";
    public const string MetaModelName = "authentik_providers_oauth2.oauth2provider";
}

/// <summary>A user as authentik's nested <c>User</c> serializer shows it, groups and superuser flag already derived.</summary>
public sealed record UserView(
    long Pk,
    string Username,
    string Name,
    bool IsActive,
    DateTimeOffset? LastLogin,
    bool IsSuperuser,
    IReadOnlyList<Guid> Groups,
    IReadOnlyList<UserGroupView> GroupsObj,
    string Email,
    string Avatar,
    JsonElement Attributes,
    string Uid,
    string Path,
    string Type,
    Guid Uuid);

/// <summary>authentik's <c>UserGroup</c>: a direct group of a user.</summary>
public sealed record UserGroupView(
    Guid Pk,
    int NumPk,
    string Name,
    bool IsSuperuser,
    Guid? Parent,
    string? ParentName,
    JsonElement Attributes);
