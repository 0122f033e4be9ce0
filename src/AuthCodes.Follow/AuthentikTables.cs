namespace AuthCodes.Follow;

/// <summary>authentik 2024.8's tables that hold the read model's entities (all in schema <c>public</c>).</summary>
public static class AuthentikTables
{
    public const string Code = "authentik_providers_oauth2_authorizationcode";
    public const string User = "authentik_core_user";
    public const string Membership = "authentik_core_user_ak_groups";
    public const string Group = "authentik_core_group";
    public const string Provider = "authentik_core_provider";
    public const string OAuth2Provider = "authentik_providers_oauth2_oauth2provider";
    public const string PropertyMappings = "authentik_core_provider_property_mappings";
    public const string JwksSources = "authentik_providers_oauth2_oauth2provider_jwks_sources";
    public const string Application = "authentik_core_application";

    /// <summary>The tenant row holds the <c>avatars</c> setting every user's avatar is computed from.</summary>
    public const string Tenant = "authentik_tenants_tenant";

    public const string InstallId = "authentik_install_id";

    /// <summary>What the publication must cover.</summary>
    public static IReadOnlyList<string> Published { get; } =
        [Code, User, Membership, Group, Provider, OAuth2Provider, PropertyMappings, JwksSources, Application, Tenant];

    /// <summary>
    /// Tables whose deleted (or updated) rows must carry every column, not only the primary key: a
    /// link row's delete must name the user or provider it belonged to, and a provider's update
    /// must name the backchannel application it left.
    /// </summary>
    public static IReadOnlyList<string> NeedFullReplicaIdentity { get; } = [Membership, PropertyMappings, JwksSources, Provider];
}
