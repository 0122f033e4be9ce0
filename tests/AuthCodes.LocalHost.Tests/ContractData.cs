using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// A small install: a superuser, two users with codes, one without, one inactive; two providers
/// with codes and one without.
/// </summary>
internal static class ContractData
{
    public static readonly Guid StaffGroup = Guid.Parse("5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b");

    public static readonly ProviderView Grafana = Sample.Provider(1, name: "Grafana");
    public static readonly ProviderView Nextcloud = Sample.Provider(2, name: "Nextcloud");
    public static readonly ProviderView Idle = Sample.Provider(3, name: "Idle");

    public static readonly UserView Admin = Sample.User(1, username: "akadmin", isSuperuser: true, groups: [Sample.Group(Sample.AdminsGroup, "authentik Admins", isSuperuser: true)]);
    public static readonly UserView Alice = Sample.User(10, username: "alice");
    public static readonly UserView Bob = Sample.User(11, username: "bob", groups: [Sample.Group(StaffGroup, "Staff")]);
    public static readonly UserView Carol = Sample.User(12, username: "carol");
    public static readonly UserView Dave = Sample.User(13, username: "dave", isActive: false);

    public static readonly DateTimeOffset Past = new(2024, 9, 13, 14, 6, 42, 243, TimeSpan.Zero);
    public static readonly DateTimeOffset Future = new(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<ReadModelStores> SeedAsync()
    {
        var store = EmbeddedReadModelStore.Create();
        var none = CancellationToken.None;
        foreach (var (provider, secret) in new[] { (Grafana, "grafana-secret"), (Nextcloud, "nextcloud-secret"), (Idle, "idle-secret") })
        {
            await store.Views.SaveProviderAsync(provider, secret, none);
        }

        foreach (var user in new[] { Admin, Alice, Bob, Carol, Dave })
        {
            await store.Views.SaveUserAsync(user, none);
        }

        await store.Views.SaveCodeAsync(Sample.Code(20, Grafana, Bob, Past), none);
        await store.Views.SaveCodeAsync(Sample.Code(21, Grafana, Alice, Future), none);
        await store.Views.SaveCodeAsync(Sample.Code(22, Nextcloud, Alice, null), none);
        await store.Views.SaveCodeAsync(Sample.Code(23, Nextcloud, Alice, Past, expiring: false), none);
        await store.Views.SaveCodeAsync(Sample.Code(24, Nextcloud, Admin, Future), none);
        await store.Views.SaveCodeAsync(Sample.Code(25, Nextcloud, Dave, Future), none);
        return store;
    }

    /// <summary>Many codes for pagination: <paramref name="count"/> codes of alice on Grafana.</summary>
    public static async Task<ReadModelStores> ManyCodesAsync(int count)
    {
        var store = EmbeddedReadModelStore.Create();
        await store.Views.SaveProviderAsync(Grafana, "grafana-secret", CancellationToken.None);
        await store.Views.SaveUserAsync(Admin, CancellationToken.None);
        await store.Views.SaveUserAsync(Alice, CancellationToken.None);
        for (var pk = 1; pk <= count; pk++)
        {
            await store.Views.SaveCodeAsync(Sample.Code(pk, Grafana, Alice, Future.AddSeconds(-pk)), CancellationToken.None);
        }

        return store;
    }
}
