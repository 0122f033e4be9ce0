using AuthCodes.ReadModel;

namespace AuthCodes.Cli.Tests;

/// <summary>Option values: usage errors from the parser, secrets from variables and files, plain-http warning, owner-only output files.</summary>
public sealed class OptionTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string[] Backfill(string authentik = FakeAuthentik.BaseUrl, params string[] extra) =>
    [
        "backfill", "--authentik", authentik, "--out", folder.File("events.jsonl"), "--state", folder.File("state.json"), .. extra,
    ];

    [Theory]
    [InlineData("sync", "--interval", "1e300s", "--interval '1e300s' is not a positive duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("sync", "--interval", "NaNs", "--interval 'NaNs' is not a positive duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("sync", "--interval", "Infinityh", "--interval 'Infinityh' is not a positive duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("sync", "--interval", "0s", "--interval '0s' is not a positive duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("sync", "--skew", "-1m", "--skew '-1m' is not a non-negative duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("backfill", "--skew", "soon", "--skew 'soon' is not a non-negative duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    [InlineData("backfill", "--page-size", "0", "--page-size must be at least 1 (got 0).")]
    [InlineData("backfill", "--rate", "-1", "--rate must be at least 0 (got -1).")]
    [InlineData("backfill", "--max-retries", "-2", "--max-retries must be at least 0 (got -2).")]
    [InlineData("backfill", "--authentik", "ftp://auth.example.com/", "--authentik 'ftp://auth.example.com/' is not an http(s) URL.")]
    [InlineData("rebuild", "--grace-period", "1e300h", "--grace-period '1e300h' is not a non-negative duration (e.g. 30s, 5m, 1h, 00:05:00).")]
    public async Task A_bad_value_is_a_one_line_usage_error_from_the_parser(string verb, string option, string value, string error)
    {
        var cli = new Cli();
        string[] authentik = option == "--authentik" ? [] : ["--authentik", FakeAuthentik.BaseUrl];
        string[] args = verb == "rebuild"
            ? [verb, .. authentik, "--token", "t", "--cosmos-endpoint", "https://localhost:1/", "--suffix", "v2", option, value]
            : [verb, .. authentik, "--token", "t", "--out", folder.File("x.jsonl"), "--state", folder.File("s.json"), option, value];

        Assert.Equal(1, await cli.RunAsync(args));

        Assert.Equal(error + "\n\n", cli.Error.ToString()); // System.CommandLine ends its error list with a blank line
        Assert.Equal("", cli.Out.ToString());
    }

    [Fact]
    public async Task The_authentik_token_comes_from_a_file()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        await File.WriteAllTextAsync(folder.File("token"), FakeAuthentik.Token + "\n");
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(0, await cli.RunAsync(Backfill(extra: ["--token-file", folder.File("token")])));
    }

    [Fact]
    public async Task The_authentik_token_comes_from_the_environment()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };
        cli.Variables[CliApp.TokenVariable] = FakeAuthentik.Token;

        Assert.Equal(0, await cli.RunAsync(Backfill()));
    }

    [Fact]
    public async Task A_missing_secret_file_is_a_usage_error()
    {
        var cli = new Cli();

        Assert.Equal(1, await cli.RunAsync(Backfill(extra: ["--token-file", folder.File("nothing")])));

        Assert.Equal($"File does not exist: '{folder.File("nothing")}'.\n\n", cli.Error.ToString());
    }

    [Fact]
    public async Task Without_any_token_it_names_every_way_to_give_one()
    {
        var cli = new Cli();

        Assert.Equal(1, await cli.RunAsync(Backfill()));

        Assert.Equal("error: an authentik API token is required (AUTHCODES_AUTHENTIK_TOKEN, --token-file or --token).\n", cli.Error.ToString());
    }

    [Fact]
    public async Task The_intake_key_comes_from_the_environment()
    {
        var store = EmbeddedReadModelStore.Create();
        using var host = new LocalHost(store, TestEvents.Source, intakeKey: "right-key");
        var lines = TestEvents.OnePerEntity(TestEvents.Factory(), TestEvents.Now.AddMinutes(10)).Select(e => e.Json);
        var cli = new Cli { IntakeHandler = host.Server.CreateHandler() };
        cli.Variables[CliApp.IntakeKeyVariable] = "right-key";

        Assert.Equal(0, await cli.RunAsync("publish", folder.Write("events.jsonl", lines), "--to", "http://127.0.0.1:7071"));

        Assert.Equal("5 of 5 sent to intake http://127.0.0.1:7071.\n", cli.Out.ToString());
    }

    [Fact]
    public async Task Plain_http_to_a_host_that_is_not_loopback_is_warned_about()
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(0, await cli.RunAsync(Backfill("http://auth.example.com/", "--token", FakeAuthentik.Token)));

        Assert.StartsWith(
            "warning: --authentik http://auth.example.com/ is plain http to a host that is not loopback: the API token and the client secrets read with it cross the network unencrypted; use https.\n",
            cli.Error.ToString(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/")]
    [InlineData("http://localhost:9000/")]
    [InlineData("https://auth.example.com/")]
    public async Task Loopback_or_https_is_not_warned_about(string url)
    {
        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(0, await cli.RunAsync(Backfill(url, "--token", FakeAuthentik.Token)));

        Assert.DoesNotContain("warning", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_out_file_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix file modes
        }

        await using var authentik = await FakeAuthentik.StartAsync();
        World.Seed(authentik);
        var cli = new Cli { AuthentikHandler = authentik.Handler, Time = authentik.Clock };

        Assert.Equal(0, await cli.RunAsync(Backfill(extra: ["--token", FakeAuthentik.Token])));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folder.File("events.jsonl")));
    }
}
