using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Cli.Tests;

/// <summary>A refused connection or a timeout that retries do not cure ends in exit 4 and one line naming the request.</summary>
public sealed class UnreachableAuthentikTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>A loopback port nobody listens on (bound, then released).</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Backfill_against_a_refused_connection_exits_4_with_one_line()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}/";
        var cli = new Cli();

        var exit = await cli.RunAsync(
            "backfill", "--authentik", url, "--token", "t", "--max-retries", "1", "--rate", "0",
            "--out", folder.File("events.jsonl"), "--state", folder.File("state.json"));

        Assert.Equal(4, exit);
        var lines = cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("  retry 1 in 0 s after Connection refused", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            $"error: authentik could not be read after retries: GET {url}api/v3/core/groups/?include_users=false&ordering=pk&page=1&page_size=100 failed: Connection refused (127.0.0.1:{new Uri(url).Port}). Run the same command again to resume.",
            lines[1]);
        Assert.Equal(2, lines.Length);
        Assert.Equal("", cli.Out.ToString());
    }

    [Fact]
    public async Task Sync_against_an_authentik_that_never_answers_exits_4_after_each_attempt_timed_out()
    {
        var clock = new FakeTimeProvider(TestEvents.Now);
        var hanging = new HangingHandler();
        var cli = new Cli { AuthentikHandler = hanging, Time = clock };

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var run = cli.RunAsync(
            "sync", "--authentik", FakeAuthentik.BaseUrl, "--token", FakeAuthentik.Token, "--max-retries", "2",
            "--out", folder.File("events.jsonl"), "--state", folder.File("sync.json"));
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await hanging.Requests.Reader.ReadAsync(bound.Token);
            clock.Advance(TimeSpan.FromSeconds(60)); // the per-attempt timeout
        }

        Assert.Equal(4, await run.WaitAsync(bound.Token));
        Assert.Equal(
            "error: authentik could not be read after retries: GET https://auth.example.com/api/v3/core/groups/?include_users=false&ordering=pk&page=1&page_size=100 failed: The operation didn't complete within the allowed timeout of '00:01:00'. Nothing was emitted by this pass.",
            cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
        Assert.False(File.Exists(folder.File("events.jsonl")));
    }

    /// <summary>Takes every request and never answers it (until the attempt's timeout cancels it).</summary>
    private sealed class HangingHandler : HttpMessageHandler
    {
        public Channel<HttpRequestMessage> Requests { get; } = Channel.CreateUnbounded<HttpRequestMessage>();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Requests.Writer.WriteAsync(request, cancellationToken);
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new UnreachableException();
        }
    }
}
