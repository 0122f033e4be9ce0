using System.Text.Json.Nodes;
using AuthCodes.Publishing;

namespace AuthCodes.Testing.Publishing;

public static class TestEvents
{
    public const string Source = "https://auth.example.com/";

    public static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");

    public static readonly DateTimeOffset Now = new(2024, 9, 13, 14, 5, 42, TimeSpan.Zero);

    public static ChangeEventFactory Factory()
    {
        var next = 0;
        return new ChangeEventFactory(Source, () => $"evt-{Interlocked.Increment(ref next):D4}");
    }

    public static UserData Alice => new(42, "alice", Guid.Parse("00000000-0000-4000-8000-000000000042"))
    {
        Name = "Alice Liddell",
        Groups = [Admins],
        Email = "alice@example.com",
        Attributes = new JsonObject { ["team"] = "blue" },
        Uid = "9c6d1e0f",
    };

    public static GroupData AdminsGroup => new(Admins, "authentik Admins") { IsSuperuser = true };

    public static ProviderData Grafana => new(7, "Grafana", "grafana")
    {
        ClientSecret = "example-only",
        RedirectUris = "https://grafana.example.com/login/generic_oauth",
    };

    public static ApplicationData GrafanaApp => new(Guid.Parse("c1d2e3f4-0000-4000-8000-000000000001"), "grafana", "Grafana") { Provider = 7 };

    public static AuthorizationCodeData Code(long pk = 9001, DateTimeOffset? expires = null) => new(pk, 7, 42)
    {
        Expires = expires ?? Now.AddMinutes(1),
        Scope = ["openid", "profile"],
    };

    /// <summary>A set of events (one per entity) with rising versions; the code expires a minute after <see cref="Now"/> unless told.</summary>
    public static IReadOnlyList<PublishableEvent> OnePerEntity(ChangeEventFactory factory, DateTimeOffset? codeExpires = null)
    {
        var version = EntityVersion.FromTime(Now);
        return
        [
            factory.Saved(AdminsGroup, version),
            factory.Saved(Alice, version + 1),
            factory.Saved(Grafana, version + 2),
            factory.Saved(GrafanaApp, version + 3),
            factory.Saved(Code(expires: codeExpires), version + 4, Now),
        ];
    }
}
