using System.Net.Sockets;
using AuthCodes.LocalHost;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Builder;

namespace AuthCodes.LocalHost.Tests;

/// <summary><c>token --username NAME</c> asks the running local host whether it knows NAME.</summary>
public sealed class TokenCommandTests
{
    private static (int Exit, string Out, string Error) Token(LocalHostFactory host, string username, HttpMessageHandler localHost)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Development",
            Args = [TokenCommand.Name, "--username", username, .. host.Settings.Select(s => $"--{s.Key}={s.Value}")],
        });
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = TokenCommand.Run(builder, output, error, localHost);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Warns_on_stderr_when_the_running_host_does_not_know_the_user()
    {
        using var host = new LocalHostFactory(await SeededStore.CreateAsync());

        var (exit, token, error) = Token(host, "mallory", host.Server.CreateHandler());

        Assert.Equal(0, exit);
        Assert.Equal(3, token.Trim().Split('.').Length);
        Assert.Equal(
            "warning: the local host at http://127.0.0.1:7071/ refuses this token: user 'mallory' is not in its read model (load the events first, e.g. sample-events) or is inactive.\n",
            error);
    }

    [Fact]
    public async Task Says_nothing_more_for_a_user_the_host_knows()
    {
        // The token command mints at the real clock (it is a separate process in use), so the host
        // that accepts its token must judge the token's lifetime by the real clock too.
        using var host = new LocalHostFactory(await SeededStore.CreateAsync(), clock: TimeProvider.System);

        var (exit, token, error) = Token(host, "alice", host.Server.CreateHandler());

        Assert.Equal(0, exit);
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token.Trim());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/api/v3/oauth2/authorization_codes/")).StatusCode);
        Assert.Equal("", error);
    }

    [Fact]
    public async Task Says_nothing_when_no_host_is_running()
    {
        using var host = new LocalHostFactory(EmbeddedReadModelStore.Create(), settings: new Dictionary<string, string> { ["Urls"] = $"http://127.0.0.1:{ClosedPort()}" });
        using var nowhere = new SocketsHttpHandler();

        var (exit, token, error) = Token(host, "mallory", nowhere);

        Assert.Equal(0, exit);
        Assert.NotEmpty(token.Trim());
        Assert.Equal("", error);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
