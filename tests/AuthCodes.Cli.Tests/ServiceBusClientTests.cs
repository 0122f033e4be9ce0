using System.Net;
using System.Net.Sockets;

namespace AuthCodes.Cli.Tests;

/// <summary><c>--to servicebus</c> through the real Service Bus client (no broker runs here: what it does when it cannot reach one).</summary>
public sealed class ServiceBusClientTests : IDisposable
{
    private const string Secret = "c2VjcmV0LWtleS1vZi10aGUtdGVzdA==";
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string EventsFile() =>
        folder.Write("events.jsonl", TestEvents.OnePerEntity(TestEvents.Factory(), TestEvents.Now.AddMinutes(10)).Select(e => e.Json));

    [Fact]
    public async Task An_unreachable_namespace_leaves_every_event_reported_not_sent_in_one_line_without_stack_trace_or_key()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var connectionString = $"Endpoint=sb://127.0.0.1:{closedPort};SharedAccessKeyName=send;SharedAccessKey={Secret};UseDevelopmentEmulator=true";
        var cli = new Cli();

        var exit = await cli.RunAsync("publish", EventsFile(), "--to", "servicebus", "--topic", "authcodes-events", "--connection-string", connectionString);

        Assert.Equal(3, exit);
        var errors = cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, errors.Length);
        Assert.All(errors, line => Assert.Matches(
            @"^line \d: not sent: [a-z_]+/[0-9a-f-]+ \(io\.goauthentik\.[a-z_]+\.saved, id evt-000\d\): Not sent: Connection refused .* \(ServiceCommunicationProblem\)$", line));
        Assert.Equal("0 of 5 sent to Service Bus topic authcodes-events, 5 not sent.", cli.Out.ToString().Trim());
        Assert.DoesNotContain(Secret, cli.Error.ToString() + cli.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--connection-string", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=" + Secret,
        "error: Service Bus: The connection string used for an Service Bus client must specify the Service Bus namespace host and either a Shared Access Key (both the name and value) OR a Shared Access Signature to be valid. (Parameter 'connectionString')")]
    [InlineData("--connection-string", "not a connection string",
        "error: Service Bus: The connection string could not be parsed; either it was malformed or contains no well-known tokens.")]
    [InlineData("--namespace", "not a host",
        "error: Service Bus: The value 'not a host' is not a well-formed Service Bus fully qualified namespace. (Parameter 'fullyQualifiedNamespace')")]
    public async Task A_connection_string_or_namespace_the_client_refuses_is_a_usage_error_that_does_not_echo_the_key(string option, string value, string expected)
    {
        var cli = new Cli();

        Assert.Equal(1, await cli.RunAsync("publish", EventsFile(), "--to", "servicebus", "--topic", "authcodes-events", option, value));
        Assert.Equal(expected, cli.Error.ToString().Trim());
        Assert.Empty(cli.Out.ToString());
    }
}
