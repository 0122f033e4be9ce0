using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.Benchmarks;

/// <summary>A read model of 10,000 codes (or as many as asked): 20 providers, 100 users (two groups each, one nested).</summary>
internal static class BenchmarkData
{
    public const int CodeCount = 10_000;
    public const int UserCount = 100;
    public const int ProviderCount = 20;

    public static readonly Caller Superuser = new(1, IsSuperuser: true);

    public static async Task<ReadModelStores> CreateStoreAsync(int codeCount = CodeCount)
    {
        var store = EmbeddedReadModelStore.Create();
        var providers = Enumerable.Range(1, ProviderCount).Select(pk => Sample.Provider(pk)).ToArray();
        foreach (var provider in providers)
        {
            await store.Views.SaveProviderAsync(provider, $"secret-{provider.Pk}", CancellationToken.None);
        }

        var users = Enumerable.Range(1, UserCount).Select(pk => User(pk)).ToArray();
        foreach (var user in users)
        {
            await store.Views.SaveUserAsync(user, CancellationToken.None);
        }

        foreach (var code in Codes(providers, users, codeCount))
        {
            await store.Views.SaveCodeAsync(code, CancellationToken.None);
        }

        return store;
    }

    public static CodeDocument[] Codes(IReadOnlyList<ProviderView> providers, IReadOnlyList<UserView> users, int count) =>
        [.. Enumerable.Range(1, count).Select(pk => Sample.Code(
            pk,
            providers[pk % providers.Count],
            users[pk % users.Count],
            Sample.Now.AddSeconds((pk * 7919 % 600) - 300).AddTicks(pk % 10 * 10),
            expiring: pk % 10 != 0,
            "openid", "profile", "email"))];

    public static UserView User(long pk)
    {
        var parent = Sample.Group(Sample.AdminsGroup, "authentik Admins", isSuperuser: pk == 1);
        var child = Sample.Group(new Guid($"11111111-0000-4000-8000-{pk:D12}"), $"team-{pk % 7}", parent: parent.Pk, parentName: parent.Name);
        return Sample.User(pk, groups: [parent, child], attributesJson: """{"settings":{"locale":"en"},"goauthentik.io/user/sources":["ldap"]}""");
    }
}
