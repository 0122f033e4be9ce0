using System.Text.Json.Nodes;
using AuthCodes.Projection;

namespace AuthCodes.Cli.Tests;

public sealed class BackfillTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string[] Backfill(params string[] extra) =>
    [
        "backfill", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--page-size", "2",
        "--out", folder.File("events.jsonl"), "--state", folder.File("state.json"), .. extra,
    ];

    private List<string> Emitted() => [.. File.ReadAllLines(folder.File("events.jsonl")).Where(l => l.Length > 0)];

    [Fact]
    public async Task Reads_every_page_of_every_resource_through_transient_failures_and_builds_the_read_model()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        authentik.Fail(FakeAuthentik.Groups, 1, 500);
        authentik.Fail(FakeAuthentik.Users, 2, 503, 502);
        authentik.Fail(FakeAuthentik.Codes, 1, 429);
        authentik.Fail(FakeAuthentik.Codes, 4, 504);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        var exit = await cli.RunAsync(Backfill());

        Assert.True(exit == 0, cli.Error.ToString());
        var events = Emitted().Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(2 + 5 + 3 + 3 + 7, events.Count);
        Assert.All(events, e => Assert.EndsWith(".saved", (string)e["type"]!, StringComparison.Ordinal));
        Assert.Equal(events.Count, events.Select(e => (string)e["subject"]!).Distinct().Count());
        Assert.Equal(
            [("group", 2), ("user", 5), ("provider", 3), ("application", 3), ("authorization_code", 7)],
            events.GroupBy(e => ((string)e["subject"]!).Split('/')[0]).Select(g => (g.Key, g.Count())));

        // authentik's clock (its Date header, whole seconds) minus the default 60 s margin, in microseconds.
        var expected = EntityVersion.FromTime(TestEvents.Now.AddSeconds(-60)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(events, e => Assert.Equal(expected, (string)e["entityversion"]!));
        Assert.All(events, e => Assert.Equal(FakeAuthentik.BaseUrl, (string)e["source"]!));

        var code = events.Single(e => (string)e["subject"]! == "authorization_code/9001")["data"]!;
        Assert.Equal(
            """{"pk":9001,"provider":7,"user":1,"expires":"2024-09-13T15:05:42.000000Z","expiring":true,"scope":["openid","profile"]}""",
            code.ToJsonString());
        var provider = events.Single(e => (string)e["subject"]! == "provider/7")["data"]!.AsObject();
        Assert.False(provider.ContainsKey("component"));
        Assert.Equal("secret-7", (string)provider["client_secret"]!);

        // Each retried page was asked for again, and only those.
        Assert.Equal(2, authentik.Requests.Count(r => r.StartsWith(FakeAuthentik.Groups, StringComparison.Ordinal) && r.Contains("page=1&", StringComparison.Ordinal)));
        Assert.Equal(3, authentik.Requests.Count(r => r.StartsWith(FakeAuthentik.Users, StringComparison.Ordinal) && r.Contains("page=2&", StringComparison.Ordinal)));
        Assert.Equal((1 + 3 + 2 + 2 + 4) + (1 + 2 + 1 + 1), authentik.Requests.Count); // pages + retries
        Assert.Contains("users: page 3/3, 5 of 5 sent", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("retry 1 in 0 s after 429", cli.Error.ToString(), StringComparison.Ordinal);

        var readModel = new ReadModelHarness(authentik.Clock);
        Assert.All(await readModel.ApplyAsync(Emitted()), o => Assert.Equal(OutcomeKind.Applied, o.Kind));
        var codes = await readModel.CodesAsync();
        Assert.Equal(7, codes.Count);
        Assert.All(codes, c => Assert.Equal(c.User.Pk is 1 or 2 or 4, c.User.IsSuperuser));
        Assert.Equal("grafana", codes.First(c => c.Provider.Pk == 7).Provider.AssignedApplicationSlug);
        Assert.Null(codes.First(c => c.Provider.Pk == 9).Provider.AssignedApplicationSlug);
        Assert.Equal(["Staff"], codes.First(c => c.User.Pk == 2).User.GroupsObj!.Select(g => g.Name));
    }

    [Fact]
    public async Task Resumes_after_the_last_completed_page_when_retries_run_out()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        authentik.Fail(FakeAuthentik.Codes, 2, 503, 503);
        var first = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        var exit = await first.RunAsync(Backfill("--max-retries", "1"));

        Assert.Equal(4, exit);
        Assert.Contains("503", first.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Run the same command again to resume", first.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(2 + 5 + 3 + 3 + 2, Emitted().Count);
        var state = JsonNode.Parse(File.ReadAllText(folder.File("state.json")))!["resources"]!;
        Assert.True((bool)state["applications"]!["completed"]!);
        Assert.Equal(2, (int)state["authorization_codes"]!["next_page"]!);

        authentik.Requests.Clear();
        var second = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await second.RunAsync(Backfill("--max-retries", "1")));

        Assert.All(authentik.Requests, r => Assert.StartsWith(FakeAuthentik.Codes, r, StringComparison.Ordinal));
        Assert.DoesNotContain(authentik.Requests, r => r.Contains("page=1&", StringComparison.Ordinal));
        Assert.Contains("authorization_codes: resuming at page 2", second.Error.ToString(), StringComparison.Ordinal);
        var subjects = Emitted().Select(l => (string)JsonNode.Parse(l)!["subject"]!).ToList();
        Assert.Equal(20, subjects.Count);
        Assert.Equal(20, subjects.Distinct().Count());
        Assert.Equal(
            "backfill complete: 5 event(s) sent to file " + folder.File("events.jsonl") + ".",
            second.Out.ToString().Trim());
    }

    [Fact]
    public async Task Paces_requests_to_the_rate_limit()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(0, await cli.RunAsync(Backfill("--rate", "2")));

        // The fake clock stands still, so each request waits half a second more than the one before it.
        Assert.Equal(authentik.Requests.Count - 1, cli.PacingWaits.Count);
        Assert.Equal([0.5, 1.0, 1.5], cli.PacingWaits.Take(3).Select(w => w.TotalSeconds));
    }

    [Fact]
    public async Task Skips_and_reports_an_item_the_contract_refuses_and_exits_non_zero()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        authentik[FakeAuthentik.Users][2]["username"] = null;
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(3, await cli.RunAsync(Backfill()));

        Assert.Contains("users: page 2 item 1 (pk 3) skipped: data.username must be a string (required).", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(19, Emitted().Count);
    }

    [Fact]
    public async Task Refuses_a_bad_token_with_authentiks_answer()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(4, await cli.RunAsync(
            "backfill", "--authentik", FakeAuthentik.BaseUrl, "--token", "wrong", "--out", folder.File("events.jsonl"), "--state", folder.File("state.json")));

        Assert.Contains("answered 403 Forbidden", cli.Error.ToString(), StringComparison.Ordinal);
    }
}
