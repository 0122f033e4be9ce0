using System.Text.Json.Nodes;
using AuthCodes.Cli.Tests;

namespace AuthCodes.Follow.Tests;

[Collection(PostgresCollection.Name)]
public sealed class InitialLoadTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    private static readonly Guid Staff = Guid.Parse("7a2c3d4e-0000-4000-8000-000000000002");
    private static readonly Guid Grafana = Guid.Parse("c1d2e3f4-0000-4000-8000-000000000007");
    private static readonly Guid Wiki = Guid.Parse("c1d2e3f4-0000-4000-8000-000000000008");

    // authentik's own values for this state (uid: sha256 of "{id}-{install_id}"; avatar: the "initials" mode of the name).
    private const string AliceUid = "eab77fd0828009d231247640cd3b5f97b57c36d43eca086f50deacdd5d13938b";
    private const string BobUid = "b3e836f6b268aec60b4946f77b88eda246ef2f53ceb3c1b32efa2d9aea03256f";
    private const string AliceAvatar = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2NHB4IiBoZWlnaHQ9IjY0cHgiIHZpZXdCb3g9IjAgMCA2NCA2NCIgdmVyc2lvbj0iMS4xIj48cmVjdCBmaWxsPSIjM2NiMTM3IiBjeD0iMzIiIGN5PSIzMiIgd2lkdGg9IjY0IiBoZWlnaHQ9IjY0IiByPSIzMiIvPjx0ZXh0IHg9IjUwJSIgeT0iNTAlIiBzdHlsZT0iY29sb3I6ICNmZmY7IGxpbmUtaGVpZ2h0OiAxOyBmb250LWZhbWlseTogJ1JlZEhhdFRleHQnLCdPdmVycGFzcycsb3ZlcnBhc3MsaGVsdmV0aWNhLGFyaWFsLHNhbnMtc2VyaWY7ICIgZmlsbD0iI2ZmZiIgYWxpZ25tZW50LWJhc2VsaW5lPSJtaWRkbGUiIGRvbWluYW50LWJhc2VsaW5lPSJtaWRkbGUiIHRleHQtYW5jaG9yPSJtaWRkbGUiIGZvbnQtc2l6ZT0iMjgiIGZvbnQtd2VpZ2h0PSI0MDAiIGR5PSIuMWVtIj5BTDwvdGV4dD48L3N2Zz4=";
    private const string BobAvatar = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSI2NHB4IiBoZWlnaHQ9IjY0cHgiIHZpZXdCb3g9IjAgMCA2NCA2NCIgdmVyc2lvbj0iMS4xIj48cmVjdCBmaWxsPSIjYzhjODM3IiBjeD0iMzIiIGN5PSIzMiIgd2lkdGg9IjY0IiBoZWlnaHQ9IjY0IiByPSIzMiIvPjx0ZXh0IHg9IjUwJSIgeT0iNTAlIiBzdHlsZT0iY29sb3I6ICNmZmY7IGxpbmUtaGVpZ2h0OiAxOyBmb250LWZhbWlseTogJ1JlZEhhdFRleHQnLCdPdmVycGFzcycsb3ZlcnBhc3MsaGVsdmV0aWNhLGFyaWFsLHNhbnMtc2VyaWY7ICIgZmlsbD0iI2ZmZiIgYWxpZ25tZW50LWJhc2VsaW5lPSJtaWRkbGUiIGRvbWluYW50LWJhc2VsaW5lPSJtaWRkbGUiIHRleHQtYW5jaG9yPSJtaWRkbGUiIGZvbnQtc2l6ZT0iMjgiIGZvbnQtd2VpZ2h0PSI0MDAiIGR5PSIuMWVtIj5CTzwvdGV4dD48L3N2Zz4=";

    [Fact]
    public async Task The_initial_load_equals_field_by_field_what_backfill_makes_of_authentiks_api_for_the_same_state()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync(avatars: "initials");
        await using (var rows = new AuthentikRows(db.ConnectionString))
        {
            await rows.ExecuteAsync(string.Join(";\n",
                AuthentikRows.Group(Admins, "authentik Admins", superuser: true), AuthentikRows.Group(Staff, "Staff", parent: Admins),
                AuthentikRows.User(1, "alice", "Alice Liddell", attributes: """{"k": "v"}"""), AuthentikRows.Membership(1, Staff),
                AuthentikRows.User(2, "bob", "Bob", attributes: """{"k": "v"}"""),
                AuthentikRows.Provider(7, "Grafana"), AuthentikRows.Provider(8, "Wiki"),
                AuthentikRows.Application(Grafana, "grafana", 7), AuthentikRows.Application(Wiki, "wiki", null),
                AuthentikRows.Code(9001, 7, 1, Expires), AuthentikRows.Code(9002, 8, 2, Expires)));
        }

        using var sink = new RecordingSink();
        await using var follower = new RunningFollower(db.Follow(), sink);
        var loaded = await sink.WaitForAsync(events => events.Count == 10);

        await using var authentik = await FakeAuthentik.StartAsync();
        authentik[FakeAuthentik.Groups].AddRange([AuthentikObjects.Group(Admins, "authentik Admins", superuser: true), AuthentikObjects.Group(Staff, "Staff", parent: Admins)]);
        var alice = AuthentikObjects.User(1, "alice", Staff);
        (alice["name"], alice["avatar"], alice["uid"]) = ("Alice Liddell", AliceAvatar, AliceUid);
        var bob = AuthentikObjects.User(2, "bob");
        (bob["name"], bob["avatar"], bob["uid"]) = ("Bob", BobAvatar, BobUid);
        authentik[FakeAuthentik.Users].AddRange([alice, bob]);
        JsonObject[] providers = [AuthentikObjects.Provider(7, "Grafana"), AuthentikObjects.Provider(8, "Wiki")];
        authentik[FakeAuthentik.Providers].AddRange(providers);
        authentik[FakeAuthentik.Applications].AddRange([AuthentikObjects.Application(Grafana, "grafana", 7), AuthentikObjects.Application(Wiki, "wiki", null)]);
        authentik[FakeAuthentik.Codes].AddRange([AuthentikObjects.Code(9001, providers[0], alice, Expires), AuthentikObjects.Code(9002, providers[1], bob, Expires)]);
        using var folder = new TempFolder();
        var cli = new AuthCodes.Cli.Tests.Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await cli.RunAsync(
            "backfill", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--out", folder.File("events.jsonl"), "--state", folder.File("state.json")));
        var backfilled = File.ReadAllLines(folder.File("events.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

        Assert.Equal(Shape(backfilled), Shape(loaded));
        Assert.Single(loaded.Select(e => (string)e["entityversion"]!).Distinct());
    }

    /// <summary>What must agree: per subject, the type, the source and the data (versions and ids differ by design).</summary>
    private static List<string> Shape(List<JsonObject> events) =>
        [.. events.Select(e => $"{e["subject"]} {e["type"]} {e["source"]} {e["data"]!.ToJsonString()}").Order(StringComparer.Ordinal)];
}
