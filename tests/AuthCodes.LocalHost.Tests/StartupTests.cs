using System.Net;
using System.Net.Sockets;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The real program, as a process: a start-up failure a user can fix is one line on stderr and exit
/// code 1, never an unhandled exception (exit 134) with a stack trace; <c>--help</c> starts nothing.
/// </summary>
public sealed class StartupTests
{
    private static void AssertOneLineFailure(string expectedLine, (int Exit, string Out, string Error) run)
    {
        Assert.Equal(expectedLine + "\n", run.Error);
        Assert.Equal(StartupFailure.ExitCode, run.Exit);
        Assert.DoesNotContain("   at ", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_without_issuer_and_audience_names_both_settings()
    {
        var run = await LocalHostProcess.RunAsync("--environment", "Production");

        AssertOneLineFailure(
            "The local host cannot start: Authentication:Audience (the provider's client id) is required. "
            + "Authentication:Issuer (the provider's issuer, e.g. https://auth.example.com/application/o/<slug>/) is required.",
            run);
    }

    [Fact]
    public async Task Production_without_an_issuer_names_it()
    {
        var run = await LocalHostProcess.RunAsync("--environment", "Production", "--Authentication:Audience", "authcodes");

        AssertOneLineFailure(
            "The local host cannot start: Authentication:Issuer (the provider's issuer, e.g. https://auth.example.com/application/o/<slug>/) is required.",
            run);
    }

    [Fact]
    public async Task Cosmos_store_without_an_endpoint_names_the_setting()
    {
        var run = await LocalHostProcess.RunAsync("--store", "cosmos");

        AssertOneLineFailure("The local host cannot start: Cosmos:AccountEndpoint (or CosmosDb__accountEndpoint) must be an absolute URI.", run);
    }

    [Fact]
    public async Task An_unknown_store_names_the_values_it_takes()
    {
        var run = await LocalHostProcess.RunAsync("--store", "sqlite");

        AssertOneLineFailure("The local host cannot start: Store must be 'embedded' or 'cosmos', not 'sqlite'.", run);
    }

    [Fact]
    public async Task A_port_in_use_says_so_and_how_to_listen_elsewhere()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var run = await LocalHostProcess.RunAsync("--urls", $"http://127.0.0.1:{port}");

        AssertOneLineFailure(
            $"The local host cannot start: Failed to bind to address http://127.0.0.1:{port}: address already in use. "
            + "Stop the process that uses it, or listen elsewhere with --urls (setting Urls).",
            run);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_prints_the_usage_and_starts_nothing(string option)
    {
        // A port in use would make a start fail: exit 0 shows nothing was started.
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();

        var (exit, output, error) = await LocalHostProcess.RunAsync("--urls", $"http://127.0.0.1:{((IPEndPoint)holder.LocalEndpoint).Port}", option);

        Assert.Equal(0, exit);
        Assert.Equal(Help.Text, output);
        Assert.Equal("", error);
    }
}
