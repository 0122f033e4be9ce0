using System.Text.Json.Nodes;
using AuthCodes.Projection;

namespace AuthCodes.Cli.Tests;

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

    private Task<int> PassAsync(FakeAuthentik authentik, string output, Cli? cli = null) =>
        (cli ?? new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock }).RunAsync(Sync(output));

    private List<(string Type, string Subject)> TypesAndSubjects(string output) =>
        [.. Lines(output).Select(l => JsonNode.Parse(l)!).Select(e => ((string)e["type"]!, (string)e["subject"]!))];

    [Fact]
    public async Task Second_pass_emits_what_changed_in_authentik_and_the_read_model_follows()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var readModel = new ReadModelHarness(authentik.Clock);

        var first = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await PassAsync(authentik, "pass1.jsonl", first));
        Assert.Equal(20, Lines("pass1.jsonl").Count);
        Assert.Contains("sync: 20 saved, 0 deleted sent to file", first.Out.ToString(), StringComparison.Ordinal);
        Assert.All(await readModel.ApplyAsync(Lines("pass1.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        Assert.True((await readModel.Store.Codes.GetCodeAsync(9002, CancellationToken.None))!.User.IsSuperuser);

        // The next pass sends the same 20 once more (later versions), then they count as seen.
        authentik.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await PassAsync(authentik, "pass1b.jsonl"));
        Assert.Equal(TypesAndSubjects("pass1.jsonl"), TypesAndSubjects("pass1b.jsonl"));
        Assert.All(await readModel.ApplyAsync(Lines("pass1b.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));

        // Five minutes on: code 9001 is exchanged, alice (2) leaves Staff, provider 8 is renamed.
        authentik.Clock.Advance(TimeSpan.FromMinutes(5));
        authentik[FakeAuthentik.Codes].RemoveAll(c => (long)c["pk"]! == 9001);
        authentik[FakeAuthentik.Users].Single(u => (long)u["pk"]! == 2)["groups"] = new JsonArray();
        authentik[FakeAuthentik.Providers].Single(p => (long)p["pk"]! == 8)["name"] = "Wiki 2";

        var second = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await PassAsync(authentik, "pass2.jsonl", second));

        var events = Lines("pass2.jsonl").Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        List<(string, string)> changes =
            [("io.goauthentik.user.saved", "user/2"), ("io.goauthentik.provider.saved", "provider/8"), ("io.goauthentik.authorization_code.deleted", "authorization_code/9001")];
        Assert.Equal(changes, TypesAndSubjects("pass2.jsonl"));
        var version = EntityVersion.FromTime(TestEvents.Now.AddMinutes(7).AddSeconds(-60)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(events, e => Assert.Equal(version, (string)e["entityversion"]!));
        Assert.Equal("""{"pk":9001}""", events[2]["data"]!.ToJsonString());
        Assert.Equal("Wiki 2", (string)events[1]["data"]!["name"]!);
        Assert.Contains("authorization_codes: 6 seen, 0 new or changed, 1 gone, 0 sent again", second.Error.ToString(), StringComparison.Ordinal);

        Assert.All(await readModel.ApplyAsync(Lines("pass2.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        var codes = await readModel.CodesAsync();
        Assert.Equal([9002L, 9003, 9004, 9005, 9006, 9007], codes.Select(c => c.Pk).Order());
        Assert.All(codes.Where(c => c.User.Pk == 2), c =>
        {
            Assert.False(c.User.IsSuperuser);
            Assert.Empty(c.User.GroupsObj!);
        });
        Assert.All(codes.Where(c => c.Provider.Pk == 8), c => Assert.Equal("Wiki 2", c.Provider.Name));

        // The three changes go out once more (the deletion confirmed by another 404), then nothing.
        authentik.Clock.Advance(TimeSpan.FromMinutes(2));
        var third = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await PassAsync(authentik, "pass3.jsonl", third));
        Assert.Equal(changes, TypesAndSubjects("pass3.jsonl"));
        Assert.Contains("authorization_codes: 6 seen, 0 new or changed, 0 gone, 1 sent again", third.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, authentik.Requests.Count(r => r == FakeAuthentik.Codes + "9001/"));

        var fourth = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await PassAsync(authentik, "pass4.jsonl", fourth));
        Assert.Empty(Lines("pass4.jsonl"));
        Assert.Contains("sync: 0 saved, 0 deleted", fourth.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_that_lost_against_a_live_event_within_the_skew_margin_is_repaired_by_the_next_pass()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var readModel = new ReadModelHarness(authentik.Clock);
        Assert.Equal(0, await PassAsync(authentik, "pass1.jsonl"));
        authentik.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await PassAsync(authentik, "pass1b.jsonl"));
        await readModel.ApplyAsync(Lines("pass1.jsonl").Concat(Lines("pass1b.jsonl")));

        // Ten seconds before the next pass, the hook sends live saves of alice (renamed, still in Staff)
        // and of code 9002; five seconds later alice leaves Staff and 9002 is exchanged, both silently.
        authentik.Clock.Advance(TimeSpan.FromMinutes(5));
        var live = EntityVersion.FromTime(authentik.Clock.GetUtcNow().AddSeconds(-10));
        var hook = new ChangeEventFactory(FakeAuthentik.BaseUrl);
        var alice = new UserData(2, "alice", Guid.Parse("00000000-0000-4000-8000-000000000002")) { Name = "Alice", Groups = [World.Staff], Email = "alice@example.com" };
        var code = new AuthorizationCodeData(9002, 8, 2) { Expires = authentik.Clock.GetUtcNow().AddHours(1), Scope = ["openid"] };
        Assert.All(await readModel.ApplyAsync([hook.Saved(alice, live).Json, hook.Saved(code, live).Json]), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        var user = authentik[FakeAuthentik.Users].Single(u => (long)u["pk"]! == 2);
        (user["name"], user["groups"]) = ("Alice", new JsonArray());
        authentik[FakeAuthentik.Codes].RemoveAll(c => (long)c["pk"]! == 9002);

        // This pass's versions (now − 60 s) lie below the live ones: the read model keeps the live state.
        Assert.Equal(0, await PassAsync(authentik, "pass2.jsonl"));
        Assert.Equal([("io.goauthentik.user.saved", "user/2"), ("io.goauthentik.authorization_code.deleted", "authorization_code/9002")], TypesAndSubjects("pass2.jsonl"));
        Assert.All(await readModel.ApplyAsync(Lines("pass2.jsonl")), o => Assert.Equal(OutcomeKind.Ignored, o.Kind));
        Assert.NotNull(await readModel.Store.Codes.GetCodeAsync(9002, CancellationToken.None));
        Assert.True((await readModel.Store.Views.GetUserAsync(2, CancellationToken.None))!.IsSuperuser);

        // Two minutes later the same two go out again, now above the live versions, and win.
        authentik.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await PassAsync(authentik, "pass3.jsonl"));
        Assert.Equal(TypesAndSubjects("pass2.jsonl"), TypesAndSubjects("pass3.jsonl"));
        Assert.All(await readModel.ApplyAsync(Lines("pass3.jsonl")), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        Assert.Null(await readModel.Store.Codes.GetCodeAsync(9002, CancellationToken.None));
        var repaired = (await readModel.Store.Views.GetUserAsync(2, CancellationToken.None))!;
        Assert.False(repaired.IsSuperuser);
        Assert.Empty(repaired.GroupsObj!);
        Assert.All(await readModel.CodesAsync(), c => Assert.False(c.User.Pk == 2 && c.User.IsSuperuser));
    }

    [Fact]
    public async Task An_entity_missing_from_the_list_but_still_retrievable_is_not_deleted()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        Assert.Equal(0, await PassAsync(authentik, "pass1.jsonl"));
        Assert.Equal(0, await PassAsync(authentik, "pass1b.jsonl"));
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
        var store = AuthCodes.ReadModel.EmbeddedReadModelStore.Create();
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
        // The changed provider, and the first pass's other 19 entities once more (their second sending failed too).
        Assert.Contains("sync: 20 saved, 0 deleted", again.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("providers: 3 seen, 1 new or changed, 0 gone, 2 sent again", again.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal("Grafana 2", (await store.Views.GetProviderAsync(7, CancellationToken.None))!.Name);
    }

    [Fact]
    public async Task With_an_interval_it_passes_again_after_each_interval_through_failures_until_stopped()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        using var stop = new CancellationTokenSource();
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock, Stop = stop.Token };
        var interval = TimeSpan.FromSeconds(90);
        var run = cli.RunAsync([.. Sync("loop.jsonl"), "--interval", "90s", "--max-retries", "0"]);

        await LoopPassAsync(cli, authentik, interval, 1);
        authentik[FakeAuthentik.Providers].Single(p => (long)p["pk"]! == 7)["name"] = "Grafana 2";
        authentik.Fail(FakeAuthentik.Users, 1, 500);
        await LoopPassAsync(cli, authentik, interval, 2);
        await LoopPassAsync(cli, authentik, interval, 3);
        await LoopPassAsync(cli, authentik, interval, 4);
        stop.Cancel();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        var passes = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, passes.Length); // the second pass failed: it printed to stderr only
        Assert.EndsWith("sync: 20 saved, 0 deleted sent to file " + folder.File("loop.jsonl") + ".", passes[0], StringComparison.Ordinal);
        Assert.Contains(
            "error: GET api/v3/core/users/?include_groups=false&ordering=pk&page=1&page_size=2 answered 500 Internal Server Error: {\"detail\":\"scripted failure\"} Nothing was emitted by this pass.",
            cli.Error.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("sync: 20 saved, 0 deleted sent to file " + folder.File("loop.jsonl") + ".", passes[1], StringComparison.Ordinal);
        Assert.EndsWith("sync: 1 saved, 0 deleted sent to file " + folder.File("loop.jsonl") + ".", passes[2], StringComparison.Ordinal);
        Assert.Equal(41, Lines("loop.jsonl").Count);
        Assert.DoesNotContain("warning", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interval_within_the_skew_margin_is_warned_about()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        using var stop = new CancellationTokenSource();
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock, Stop = stop.Token };
        var run = cli.RunAsync([.. Sync("loop.jsonl"), "--interval", "61s"]);
        await LoopPassAsync(cli, authentik, TimeSpan.FromSeconds(61), 1);
        stop.Cancel();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith(
            "warning: --interval 00:01:01 is not above the skew margin 00:01:00 plus 1 s: a change sent again by the next pass may still lose against a live event",
            cli.Error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Lets pass <paramref name="pass"/> of an <c>--interval</c> loop run and returns once it is over:
    /// after the first pass the clock moves by the interval (the loop is waiting on it, signalled by
    /// the previous call), and a pass is over when the loop starts its next wait on the clock.
    /// </summary>
    private static async Task LoopPassAsync(Cli cli, FakeAuthentik authentik, TimeSpan interval, int pass)
    {
        if (pass > 1)
        {
            authentik.Clock.Advance(interval);
        }

        try
        {
            // A pass runs on real threads through the in-process TestServer, so only real time can
            // bound it; the bound turns a loop that never waits again into a failure, not a hang.
            await authentik.Clock.TimerCreated(interval, pass).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"pass {pass} did not end: {cli.Out}{cli.Error}");
        }
    }

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (127.0.0.1:7071)");
    }
}
