using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Cosmos;
using AuthCodes.Testing.Cosmos;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging.Abstractions;

namespace AuthCodes.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class CosmosServerCollection : ICollectionFixture<LocalCosmosServer>
{
    public const string Name = "Cosmos server";
}

/// <summary><c>rebuild</c> from the fake authentik into a new container pair on the real Cosmos SDK and the local protocol server.</summary>
[Collection(CosmosServerCollection.Name)]
public sealed class RebuildTests(LocalCosmosServer server) : IDisposable
{
    private readonly TempFolder folder = new();
    private readonly string database = "rebuild" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => folder.Dispose();

    private string[] Rebuild(string suffix, string state = "rebuild.json", params string[] extra) =>
    [
        "rebuild", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--page-size", "2",
        "--cosmos-endpoint", server.Endpoint, "--cosmos-key", server.Key, "--database", database, "--suffix", suffix,
        "--state", folder.File(state), .. extra,
    ];

    private Cli NewCli(FakeAuthentik authentik) =>
        new() { AuthentikHandler = authentik.Handler, Time = authentik.Clock, ConfigureCosmos = server.ConfigureClient };

    private async Task<ReadModelStores> StoreAsync(string suffix, TimeProvider time)
    {
        var options = server.Options(database, suffix);
        var containers = new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(CancellationToken.None);
        return CosmosReadModelStore.Create(containers, options, time, NullLogger.Instance);
    }

    private static async Task<string> ListJsonAsync(ReadModelStores store) =>
        JsonSerializer.Serialize(await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 100, CancellationToken.None));

    [Fact]
    public async Task Projects_everything_into_the_new_pair_as_the_hosts_would_and_says_how_to_switch()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = NewCli(authentik);

        Assert.Equal(0, await cli.RunAsync(Rebuild("v2")));

        var state = folder.File("rebuild.json");
        Assert.Equal($"""
            rebuild complete: 20 event(s) projected into codes-v2 and entities-v2 (database {database}); what was projected is in {state}.
            Next (docs/deploy.md, "Rebuilding the read model without downtime"):
              1. Switch the app to the new pair:
                   azd env set COSMOS_CONTAINER_SUFFIX v2 && azd env set COSMOS_REBUILD_CONTAINER_SUFFIX '' && azd provision
                 (without azd: app settings Cosmos__CodesContainer=codes-v2 and Cosmos__EntitiesContainer=entities-v2)
              2. Catch up with what changed since this rebuild read authentik (live events meanwhile went to the old pair):
                   authcodes sync --authentik https://auth.example.com/ --state {state} --to servicebus --namespace <namespace> --topic <topic>
              3. Check the app, then delete the old pair.

            """, cli.Out.ToString().ReplaceLineEndings("\n"));
        Assert.Contains("projected 20 of 20", cli.Error.ToString(), StringComparison.Ordinal);

        // The same events through a host's intake over an embedded store give the same list.
        var file = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await file.RunAsync("sync", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--out", folder.File("events.jsonl"), "--state", folder.File("reference.json")));
        var reference = new ReadModelHarness(authentik.Clock);
        await reference.ApplyAsync(File.ReadAllLines(folder.File("events.jsonl")));
        var rebuilt = await StoreAsync("v2", authentik.Clock);
        Assert.Equal(7, await rebuilt.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
        Assert.Equal(await ListJsonAsync(reference.Store), await ListJsonAsync(rebuilt));

        // The state file is a sync state: the catch-up pass sends what changed, and the rest once more.
        authentik.Clock.Advance(TimeSpan.FromMinutes(3));
        authentik[FakeAuthentik.Providers].Single(p => (long)p["pk"]! == 8)["name"] = "Wiki 2";
        var catchUp = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        Assert.Equal(0, await catchUp.RunAsync("sync", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--out", folder.File("catchup.jsonl"), "--state", state));
        Assert.Contains("providers: 3 seen, 1 new or changed, 0 gone, 2 sent again", catchUp.Error.ToString(), StringComparison.Ordinal);
        var renamed = File.ReadAllLines(folder.File("catchup.jsonl")).Select(l => JsonNode.Parse(l)!).Single(e => (string)e["subject"]! == "provider/8");
        Assert.Equal("Wiki 2", (string)renamed["data"]!["name"]!);
    }

    [Fact]
    public async Task Refuses_a_pair_that_already_holds_items_unless_given_the_state_file_of_that_rebuild()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        Assert.Equal(0, await NewCli(authentik).RunAsync(Rebuild("live")));

        var again = NewCli(authentik);
        Assert.Equal(1, await again.RunAsync(Rebuild("live", state: "other.json")));
        Assert.StartsWith(
            $"error: codes-live/entities-live in {database} already hold items and there is no state file {folder.File("other.json")}: is this the pair the app serves?",
            again.Error.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(folder.File("other.json")));

        // With the state file of the rebuild into that pair, it goes on (here: sends everything once more).
        var resumed = NewCli(authentik);
        Assert.Equal(0, await resumed.RunAsync(Rebuild("live")));
        Assert.Contains("rebuild complete: 20 event(s)", resumed.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_failure_projects_nothing_and_the_same_command_runs_again()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        authentik.Fail(FakeAuthentik.Codes, 2, 503);
        var failed = NewCli(authentik);

        Assert.Equal(4, await failed.RunAsync(Rebuild("v3", extra: ["--max-retries", "0"])));
        Assert.Contains("answered 503 Service Unavailable", failed.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nothing was projected by this run; run the same command again.", failed.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await (await StoreAsync("v3", authentik.Clock)).Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));

        Assert.Equal(0, await NewCli(authentik).RunAsync(Rebuild("v3")));
        Assert.Equal(7, await (await StoreAsync("v3", authentik.Clock)).Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Fact]
    public async Task A_store_failure_mid_way_stops_with_what_was_projected_recorded_and_the_same_command_finishes_it()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var refusing = new RefusingDocumentWrites(after: 12);
        var failed = new Cli
        {
            AuthentikHandler = authentik.Handler,
            Time = authentik.Clock,
            ConfigureCosmos = options =>
            {
                server.ConfigureClient(options);
                options.CustomHandlers.Add(refusing);
            },
        };

        Assert.Equal(3, await failed.RunAsync(Rebuild("v4")));
        var errors = failed.Error.ToString().Split('\n').Where(l => l.StartsWith("failed: ", StringComparison.Ordinal) || l.StartsWith("not sent: ", StringComparison.Ordinal)).ToList();
        Assert.Single(errors, l => l.StartsWith("failed: ", StringComparison.Ordinal));
        Assert.Matches(@"^failed: [a-z_]+/\S+ \(io\.goauthentik\.[a-z_]+\.saved, id [0-9a-f-]+\): Response status code does not indicate success: Forbidden \(403\)", errors[0]);
        Assert.All(errors.Skip(1), l => Assert.EndsWith("an earlier event could not be projected", l, StringComparison.Ordinal));
        var projected = 20 - errors.Count;
        Assert.Equal($"rebuild stopped: {projected} projected, {errors.Count} not projected, 0 item(s) skipped (listed above). Run the same command again to go on.", failed.Out.ToString().Trim());
        Assert.DoesNotContain("   at ", failed.Error.ToString(), StringComparison.Ordinal);

        var finished = NewCli(authentik);
        Assert.Equal(0, await finished.RunAsync(Rebuild("v4")));
        Assert.Contains("groups: 2 seen, 0 new or changed, 0 gone, 2 sent again", finished.Error.ToString(), StringComparison.Ordinal);
        Assert.Equal(7, await (await StoreAsync("v4", authentik.Clock)).Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    /// <summary>Answers 403 to every item write after the first <c>after</c> ones (a role assignment gone mid-run).</summary>
    private sealed class RefusingDocumentWrites(int after) : Microsoft.Azure.Cosmos.RequestHandler
    {
        private int writes;

        public override async Task<Microsoft.Azure.Cosmos.ResponseMessage> SendAsync(Microsoft.Azure.Cosmos.RequestMessage request, CancellationToken cancellationToken)
        {
            // Item writes: POST to a container (create, upsert) or PUT/DELETE of an item; not queries, not creating containers.
            var isItemWrite = request.Method != HttpMethod.Get && request.Headers["x-ms-documentdb-isquery"] != "True"
                && request.RequestUri?.OriginalString.Split('/') is [_, _, "colls", _, ..];
            if (isItemWrite && Interlocked.Increment(ref writes) > after)
            {
                return new Microsoft.Azure.Cosmos.ResponseMessage(HttpStatusCode.Forbidden, request, "Request blocked by Auth: the principal lost its role.");
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Theory]
    [InlineData("V2")]
    [InlineData("-v2")]
    [InlineData("v2/x")]
    [InlineData("a23456789012345678901234567890123")]
    public async Task A_suffix_the_infrastructure_would_refuse_is_refused_first(string suffix)
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        var cli = NewCli(authentik);

        Assert.Equal(1, await cli.RunAsync(Rebuild(suffix)));
        Assert.Equal($"--suffix '{suffix}' must be 1 to 32 lowercase letters, digits or '-', not starting with '-'.\n\n", cli.Error.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(authentik.Requests);
    }
}
