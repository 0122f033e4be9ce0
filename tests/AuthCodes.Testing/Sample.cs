using System.Text.Json;
using AuthCodes.ReadModel;

namespace AuthCodes.Testing;

/// <summary>Builders for read-model data with readable defaults; tests override what they assert on.</summary>
public static class Sample
{
    public static readonly DateTimeOffset Now = new(2024, 9, 13, 14, 5, 42, 243, TimeSpan.Zero);

    public static readonly Guid AdminsGroup = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static ProviderView Provider(long pk, string? name = null, string? clientId = null) => new(
        Pk: pk,
        Name: name ?? $"Provider {pk}",
        AuthenticationFlow: null,
        AuthorizationFlow: Guid.Parse("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        PropertyMappings: [Guid.Parse("9a3b2c1d-0000-4000-8000-000000000001")],
        AssignedApplicationSlug: $"app-{pk}",
        AssignedApplicationName: $"App {pk}",
        AssignedBackchannelApplicationSlug: null,
        AssignedBackchannelApplicationName: null,
        ClientType: "confidential",
        ClientId: clientId ?? $"client-{pk}",
        AccessCodeValidity: "minutes=1",
        AccessTokenValidity: "minutes=5",
        RefreshTokenValidity: "days=30",
        IncludeClaimsInIdToken: true,
        SigningKey: null,
        RedirectUris: $"https://app{pk}.example.com/callback",
        SubMode: "hashed_user_id",
        IssuerMode: "per_provider",
        JwksSources: []);

    /// <summary>Input data: <c>num_pk</c> as src derives it; its values are pinned by literals (GroupNumbersTests, the writer and contract tests' JSON).</summary>
    public static UserGroupView Group(Guid pk, string name, bool isSuperuser = false, Guid? parent = null, string? parentName = null) =>
        new(pk, GroupNumbers.NumPk(pk), name, isSuperuser, parent, parentName, Json("{}"));

    public static UserView User(
        long pk,
        string? username = null,
        bool isSuperuser = false,
        bool isActive = true,
        string? email = null,
        string? name = null,
        IReadOnlyList<UserGroupView>? groups = null,
        string attributesJson = "{}")
    {
        var groupViews = groups ?? [];
        return new UserView(
            Pk: pk,
            Username: username ?? $"user{pk}",
            Name: name ?? $"User {pk}",
            IsActive: isActive,
            LastLogin: new DateTimeOffset(2024, 9, 1, 8, 0, 0, TimeSpan.Zero),
            IsSuperuser: isSuperuser,
            Groups: [.. groupViews.Select(g => g.Pk)],
            GroupsObj: groupViews,
            Email: email ?? $"user{pk}@example.com",
            Avatar: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
            Attributes: Json(attributesJson),
            Uid: $"uid-{pk:D4}",
            Path: "users",
            Type: "internal",
            Uuid: new Guid($"00000000-0000-4000-8000-{pk:D12}"));
    }

    public static CodeDocument Code(
        long pk, ProviderView provider, UserView user, DateTimeOffset? expires = null, bool expiring = true, params string[] scope) =>
        new(pk, provider, user, expires, expiring, scope.Length == 0 ? ["openid", "profile"] : scope);
}
