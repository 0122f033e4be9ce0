using System.Text.Json.Nodes;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Cli.Tests;

/// <summary>Applies emitted JSON Lines through the real intake (parse, project) over an embedded store.</summary>
internal sealed class ReadModelHarness
{
    private readonly Projector projector;
    private readonly ChangeEventIntake intake;

    public ReadModelHarness(TimeProvider time, string source = FakeAuthentik.BaseUrl)
    {
        Store = EmbeddedReadModelStore.Create(time);
        projector = new Projector(Store.Snapshots, Store.Views, time);
        intake = new ChangeEventIntake(new ChangeEventParser(source), projector, Store.RejectedEvents, Store.Snapshots, new ProjectionProgress(), time, NullLogger<ChangeEventIntake>.Instance);
    }

    public ReadModelStores Store { get; }

    public async Task<List<ProjectionOutcome>> ApplyAsync(IEnumerable<string> lines)
    {
        var outcomes = new List<ProjectionOutcome>();
        foreach (var line in lines)
        {
            outcomes.Add(await intake.HandleAsync(BinaryData.FromString(line), CancellationToken.None));
        }

        return outcomes;
    }

    public async Task<IReadOnlyList<CodeDocument>> CodesAsync() =>
        await Store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 1000, CancellationToken.None);
}

/// <summary>An authentik install: 2 groups (one superuser), 5 users, 3 providers, 3 applications, 7 codes.</summary>
internal static class World
{
    public static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    public static readonly Guid Staff = Guid.Parse("7a2c3d4e-0000-4000-8000-000000000002");

    public static void Seed(FakeAuthentik authentik)
    {
        authentik[FakeAuthentik.Groups].AddRange([
            AuthentikObjects.Group(Admins, "authentik Admins", superuser: true),
            AuthentikObjects.Group(Staff, "Staff", parent: Admins)]);
        JsonObject[] users =
        [
            AuthentikObjects.User(1, "akadmin", Admins), AuthentikObjects.User(2, "alice", Staff), AuthentikObjects.User(3, "bob"),
            AuthentikObjects.User(4, "carol", Staff), AuthentikObjects.User(5, "dave"),
        ];
        authentik[FakeAuthentik.Users].AddRange(users);
        JsonObject[] providers = [AuthentikObjects.Provider(7, "Grafana"), AuthentikObjects.Provider(8, "Wiki"), AuthentikObjects.Provider(9, "Chat")];
        authentik[FakeAuthentik.Providers].AddRange(providers);
        authentik[FakeAuthentik.Applications].AddRange([
            AuthentikObjects.Application(Guid.Parse("c1d2e3f4-0000-4000-8000-000000000007"), "grafana", 7),
            AuthentikObjects.Application(Guid.Parse("c1d2e3f4-0000-4000-8000-000000000008"), "wiki", 8),
            AuthentikObjects.Application(Guid.Parse("c1d2e3f4-0000-4000-8000-000000000009"), "chat", null)]);
        var expires = authentik.Clock.GetUtcNow().AddHours(1);
        for (var i = 0; i < 7; i++)
        {
            authentik[FakeAuthentik.Codes].Add(AuthentikObjects.Code(9001 + i, providers[i % 3], users[i % 5], expires));
        }
    }
}
