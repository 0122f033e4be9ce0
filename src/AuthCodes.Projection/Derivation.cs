using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>The pure parts of the derived fields: views built from snapshot states the projector has already looked up.</summary>
public static class Derivation
{
    /// <summary>authentik's <c>UserGroup</c>; <paramref name="liveParent"/> is null while the parent group is not live.</summary>
    public static UserGroupView GroupView(GroupState group, GroupState? liveParent) => new(
        group.Pk,
        GroupNumbers.NumPk(group.Pk),
        group.Name,
        group.IsSuperuser,
        liveParent?.Pk,
        liveParent?.Name,
        group.Attributes);

    /// <summary>The user as the API shows it; <paramref name="liveDirectGroups"/> are the live direct groups in the event's order.</summary>
    public static UserView UserView(UserState user, IReadOnlyList<UserGroupView> liveDirectGroups, bool isSuperuser) => new(
        user.Pk,
        user.Username,
        user.Name,
        user.IsActive,
        user.LastLogin,
        isSuperuser,
        [.. liveDirectGroups.Select(g => g.Pk)],
        liveDirectGroups,
        user.Email,
        user.Avatar,
        user.Attributes,
        user.Uid,
        user.Path,
        user.Type,
        user.Uuid);

    /// <summary>
    /// The provider as the API shows it, without its secret. Of the live applications claiming it,
    /// the one with the lowest pk (ordinal) names <c>assigned_application_*</c> (through
    /// <c>provider</c>) and <c>assigned_backchannel_application_*</c> (through <c>backchannel_providers</c>).
    /// </summary>
    public static ProviderView ProviderView(ProviderState provider, IEnumerable<ApplicationState> liveApplications)
    {
        var ordered = liveApplications.OrderBy(a => a.Pk.ToString("D"), StringComparer.Ordinal).ToArray();
        var assigned = ordered.FirstOrDefault(a => a.Provider == provider.Pk);
        var backchannel = ordered.FirstOrDefault(a => a.BackchannelProviders.Contains(provider.Pk));
        return new ProviderView(
            provider.Pk,
            provider.Name,
            provider.AuthenticationFlow,
            provider.AuthorizationFlow,
            provider.PropertyMappings,
            assigned?.Slug,
            assigned?.Name,
            backchannel?.Slug,
            backchannel?.Name,
            provider.ClientType,
            provider.ClientId,
            provider.AccessCodeValidity,
            provider.AccessTokenValidity,
            provider.RefreshTokenValidity,
            provider.IncludeClaimsInIdToken,
            provider.SigningKey,
            provider.RedirectUris,
            provider.SubMode,
            provider.IssuerMode,
            provider.JwksSources);
    }
}
