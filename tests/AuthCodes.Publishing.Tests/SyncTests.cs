using System.Text.Json.Nodes;
using AuthCodes.Projection;

namespace AuthCodes.Publishing.Tests;

public sealed class SyncTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string[] Sync(string output) =>
    [
        "sync", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--page-size", "2",
        "--out", folder.File(output), "--state", folder.File("sync.json"),
    ];

    private List<string> Lines(string output) =>
        File.Exists(folder.File(output)) ? [.. File.ReadAllLines(folder.File(output)).Where(l => l.Length > 0)] : [];

    [Fact]
    public async Task Second_pass_emits_what_changed_in_authentik_and_the_read_model_follows()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        using var readModel = new ReadModelHarness(authentik.Clock);

        var first = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await first.RunAsync(Sync("pass1.jsonl")));
        Assert.Equal(20, Lines("pass1.jsonl").Count);
        Assert.Contains("sync: 20 saved, 0 deleted sent to file", first.Out.ToString(), StringComparison.Ordinal);
        Assert.All(await readModel.ApplyAsync(Lines("pass1.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        Assert.True((await readModel.Store.GetCodeAsync(9002, CancellationToken.None))!.User.IsSuperuser);

        // Five minutes on: code 9001 is exchanged, alice (2) leaves Staff, provider 8 is renamed.
        authentik.Clock.Advance(TimeSpan.FromMinutes(5));
        authentik[FakeAuthentik.Codes].RemoveAll(c => (long)c["pk"]! == 9001);
        authentik[FakeAuthentik.Users].Single(u => (long)u["pk"]! == 2)["groups"] = new JsonArray();
        authentik[FakeAuthentik.Providers].Single(p => (long)p["pk"]! == 8)["name"] = "Wiki 2";

        var second = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await second.RunAsync(Sync("pass2.jsonl")));

        var events = Lines("pass2.jsonl").Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(
            [("io.goauthentik.user.saved", "user/2"), ("io.goauthentik.provider.saved", "provider/8"), ("io.goauthentik.authorization_code.deleted", "authorization_code/9001")],
            events.Select(e => ((string)e["type"]!, (string)e["subject"]!)));
        var version = EntityVersion.FromTime(TestEvents.Now.AddMinutes(5).AddSeconds(-60)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(events, e => Assert.Equal(version, (string)e["entityversion"]!));
        Assert.Equal("""{"pk":9001}""", events[2]["data"]!.ToJsonString());
        Assert.Equal("Wiki 2", (string)events[1]["data"]!["name"]!);
        Assert.Contains("authorization_codes: 6 seen, 0 new or changed, 1 gone", second.Error.ToString(), StringComparison.Ordinal);

        Assert.All(await readModel.ApplyAsync(Lines("pass2.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        var codes = await readModel.CodesAsync();
        Assert.Equal([9002L, 9003, 9004, 9005, 9006, 9007], codes.Select(c => c.Pk).Order());
        Assert.All(codes.Where(c => c.User.Pk == 2), c =>
        {
            Assert.False(c.User.IsSuperuser);
            Assert.Empty(c.User.GroupsObj!);
        });
        Assert.All(codes.Where(c => c.Provider.Pk == 8), c => Assert.Equal("Wiki 2", c.Provider.Name));

        // Nothing changed since: a third pass emits nothing.
        var third = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await third.RunAsync(Sync("pass3.jsonl")));
        Assert.Empty(Lines("pass3.jsonl"));
        Assert.Contains("sync: 0 saved, 0 deleted", third.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_missing_from_the_list_but_still_retrievable_is_not_deleted()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        Assert.Equal(0, await new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock }.RunAsync(Sync("pass1.jsonl")));
        authentik.HiddenFromLists.Add("5");
        authentik.HiddenFromLists.Add("wiki");

        var second = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await second.RunAsync(Sync("pass2.jsonl")));

        Assert.Empty(Lines("pass2.jsonl"));
        Assert.Contains("users: user/5 was missing from the list but still exists", second.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("/api/v3/core/users/5/", authentik.Requests);
        Assert.Contains("/api/v3/core/applications/wiki/", authentik.Requests);
    }

    [Fact]
    public async Task Events_that_were_not_sent_are_emitted_again_by_the_next_pass()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var store = new AuthCodes.ReadModel.EmbeddedReadModelStore();
        using var host = new LocalHost(store, FakeAuthentik.BaseUrl);
        string[] toHost = ["sync", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--state", folder.File("sync.json"), "--to", "http://127.0.0.1:7071"];
        Assert.Equal(0, await new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock, IntakeHandler = host.Server.CreateHandler() }.RunAsync(toHost));
        authentik[FakeAuthentik.Providers].Single(p => (long)p["pk"]! == 7)["name"] = "Grafana 2";
        authentik.Clock.Advance(TimeSpan.FromMinutes(5));

        // The intake is down for one pass: nothing is recorded as seen, so the next pass sends it again.
        var down = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock, IntakeHandler = new RefusingHandler() };
        Assert.Equal(3, await down.RunAsync(toHost));
        Assert.Contains("failed: provider/7", down.Error.ToString(), StringComparison.Ordinal);

        var again = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock, IntakeHandler = host.Server.CreateHandler() };
        Assert.Equal(0, await again.RunAsync(toHost));
        Assert.Contains("sync: 1 saved, 0 deleted", again.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal("Grafana 2", (await store.GetProviderAsync(7, CancellationToken.None))!.Name);
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (127.0.0.1:7071)");
    }
}
