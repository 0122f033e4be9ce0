using System.Net;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// In Development the intake and the rejected-events routes skip the key for loopback callers, but
/// only while the host listens on loopback alone, and never for a request that came through a proxy.
/// </summary>
public sealed class LoopbackTrustTests
{
    private const string Rejected = EventIntake.Route + "/rejected";
    private static readonly string ClosedDetail = Q("{'detail':'The event intake is open only to loopback in Development; elsewhere configure Intake:Key.'}");

    private const string WithdrawnWarning = "loopback callers are not trusted";

    /// <summary>
    /// Starts the real host in Development on <paramref name="urls"/>, lists the rejected events from
    /// 127.0.0.1 without a key, and returns what the host printed once it is stopped.
    /// </summary>
    private static async Task<(HttpStatusCode Status, string Body, string Output, int Port)> ListRejectedFromLoopbackAsync(
        string urls, bool expectWarning)
    {
        var (host, address) = await LocalHostProcess.StartAsync("--urls", urls);
        await using (host)
        {
            using var client = new HttpClient { BaseAddress = address };
            using var response = await client.GetAsync(new Uri(Rejected, UriKind.Relative));
            if (expectWarning)
            {
                await host.Printed(WithdrawnWarning);
            }

            return (response.StatusCode, await response.Content.ReadAsStringAsync(), host.Output, address.Port);
        }
    }

    [Fact]
    public async Task A_development_host_on_loopback_alone_lets_a_loopback_caller_in_without_a_key()
    {
        var (status, body, output, _) = await ListRejectedFromLoopbackAsync("http://127.0.0.1:0", expectWarning: false);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("[]", body);
        Assert.DoesNotContain(WithdrawnWarning, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_development_host_listening_on_every_address_wants_the_key_from_loopback_too_and_says_so_at_start_up()
    {
        var (status, body, output, port) = await ListRejectedFromLoopbackAsync("http://0.0.0.0:0", expectWarning: true);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal(ClosedDetail, body);
        Assert.Contains(
            $"Development on http://0.0.0.0:{port}, not on loopback alone: loopback callers are not trusted, "
            + "the event intake and the rejected-events routes want X-Intake-Key matching Intake:Key (unset: they are closed)\n",
            output,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.7")]
    [InlineData("Forwarded", "for=203.0.113.7")]
    [InlineData("X-Real-IP", "203.0.113.7")]
    public async Task A_loopback_request_carrying_a_forwarding_header_came_through_a_proxy_and_wants_the_key(string header, string value)
    {
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create());
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(header, value);

        using var response = await client.GetAsync(new Uri(Rejected, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(ClosedDetail, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_forwarded_request_with_the_configured_key_gets_in()
    {
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create(), settings: new Dictionary<string, string> { [EventIntake.KeySetting] = "intake-key-0123456789" });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        client.DefaultRequestHeaders.Add(EventIntake.KeyHeader, "intake-key-0123456789");

        using var response = await client.GetAsync(new Uri(Rejected, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
