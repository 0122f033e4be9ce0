using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>A small, fixed read model: a superuser, two users with codes, one without; three providers, one without codes.</summary>
internal static class SeededStore
{
    public const long AdminPk = 1;
    public const long AlicePk = 2;
    public const long BobPk = 3;
    public const long CarolPk = 4;

    public static readonly long[] UserPks = [AdminPk, AlicePk, BobPk, CarolPk];
    public static readonly long[] ProviderPks = [10, 11, 12];

    /// <summary>Words that occur in some searchable field of some code (and one that occurs nowhere).</summary>
    public static readonly string[] SearchWords = ["alice", "BOB", "example.com", "openid", "Grafana", "offline_access", "Ünïcødé", "nowhere-to-be-found"];

    public static readonly Caller Admin = new(AdminPk, IsSuperuser: true);
    public static readonly Caller Alice = new(AlicePk, IsSuperuser: false);

    public static IReadOnlyList<CodeDocument> Codes { get; } = BuildCodes();

    public static async Task<ReadModelStores> CreateAsync()
    {
        var store = EmbeddedReadModelStore.Create();
        foreach (var provider in Providers())
        {
            await store.Views.SaveProviderAsync(provider, $"secret-of-{provider.Pk}", CancellationToken.None);
        }

        foreach (var user in Users())
        {
            await store.Views.SaveUserAsync(user, CancellationToken.None);
        }

        foreach (var code in Codes)
        {
            await store.Views.SaveCodeAsync(code, CancellationToken.None);
        }

        return store;
    }

    private static ProviderView[] Providers() =>
    [
        Sample.Provider(10, name: "Grafana"),
        Sample.Provider(11, name: "Ünïcødé wiki") with
        {
            AssignedApplicationSlug = null,
            AssignedApplicationName = null,
            AssignedBackchannelApplicationSlug = "sync",
            AssignedBackchannelApplicationName = "Sync",
            SigningKey = Guid.Parse("0b0e7d7a-1c4f-4b43-9d2e-52f1f3c0a001"),
            ClientType = "public",
        },
        Sample.Provider(12, name: "Unused"),
    ];

    private static UserView[] Users()
    {
        var admins = Sample.Group(Sample.AdminsGroup, "authentik Admins", isSuperuser: true);
        var staff = Sample.Group(Guid.Parse("1d2c3b4a-0000-4000-8000-00000000beef"), "staff", parent: Sample.AdminsGroup, parentName: "authentik Admins");
        return
        [
            Sample.User(AdminPk, "akadmin", isSuperuser: true, groups: [admins]),
            Sample.User(AlicePk, "alice", groups: [staff], attributesJson: """{"settings":{"locale":"de"},"tags":["a","b"]}"""),
            Sample.User(BobPk, "bob", email: "", name: "Bob 🐝") with { LastLogin = null },
            Sample.User(CarolPk, "carol"),
        ];
    }

    private static CodeDocument[] BuildCodes()
    {
        var providers = Providers();
        var users = Users();
        var codes = new List<CodeDocument>();
        for (var i = 0; i < 23; i++)
        {
            var provider = providers[i % 2];
            var user = users[i % 3];
            DateTimeOffset? expires = i % 7 == 3 ? null : Sample.Now.AddSeconds((i * 37 % 11) - 5).AddTicks(i % 2 == 0 ? 0 : 1230);
            string[] scope = i % 4 == 0 ? ["openid", "profile", "offline_access"] : ["openid"];
            codes.Add(Sample.Code(100 + i, provider, user, expires, expiring: i % 5 != 0, scope));
        }

        return [.. codes];
    }
}
