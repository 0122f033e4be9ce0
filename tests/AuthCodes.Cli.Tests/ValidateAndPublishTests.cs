using AuthCodes.Contract;
using AuthCodes.ReadModel;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Cli.Tests;

public sealed class ValidateAndPublishTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>One event per entity; the code expires ten minutes after <see cref="TestEvents.Now"/>, the local hosts' fake clock.</summary>
    private static List<string> ValidLines() =>
        [.. TestEvents.OnePerEntity(TestEvents.Factory(), TestEvents.Now.AddMinutes(10)).Select(e => e.Json)];

    /// <summary>Valid lines 1-5, then a blank line 6 and four bad ones: 7 not JSON, 8 a numberless version, 9 a pk mismatch, 10 a reused id.</summary>
    private string BadFile()
    {
        var lines = ValidLines();
        lines.Add("");
        lines.Add("{not json");
        lines.Add(lines[0].Replace("\"entityversion\":\"", "\"entityversion\":\"v", StringComparison.Ordinal));
        lines.Add(lines[1].Replace("\"subject\":\"user/42\"", "\"subject\":\"user/43\"", StringComparison.Ordinal).Replace("evt-0002", "evt-0099", StringComparison.Ordinal));
        lines.Add(TestEvents.Factory().Deleted(EntityNames.User, "42", 99).Json);
        return folder.Write("bad.jsonl", lines);
    }

    [Fact]
    public async Task Validate_passes_a_valid_file_and_exits_zero()
    {
        var cli = new Cli();

        var exit = await cli.RunAsync("validate", folder.Write("good.jsonl", ValidLines()), "--source", TestEvents.Source);

        Assert.Equal(0, exit);
        Assert.Equal("5 line(s): 5 valid, 0 invalid.", cli.Out.ToString().Trim());
    }

    [Fact]
    public async Task Validate_gives_line_numbered_reasons_from_the_projectors_parser_and_exits_non_zero()
    {
        var cli = new Cli();

        var exit = await cli.RunAsync("validate", BadFile());

        Assert.Equal(2, exit);
        var output = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(5, output.Length);
        Assert.StartsWith("line 7: The body is not valid JSON", output[0], StringComparison.Ordinal);
        Assert.StartsWith("line 8: group/6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11: entityversion must be a string of decimal digits", output[1], StringComparison.Ordinal);
        Assert.Equal("line 9: user/43: subject 'user/43' does not match data.pk.", output[2]);
        Assert.Equal("line 10: user/42: id 'evt-0001' is already used on line 1 (Service Bus duplicate detection would drop this event).", output[3]);
        Assert.Equal("9 line(s): 5 valid, 4 invalid.", output[4]);
    }

    [Fact]
    public async Task Validate_reads_standard_input_and_checks_the_accepted_source()
    {
        var cli = new Cli { In = new StringReader(string.Join('\n', ValidLines().Take(2))) };

        var exit = await cli.RunAsync("validate", "-", "--source", "https://other.example.com/");

        Assert.Equal(2, exit);
        Assert.Contains(
            "line 2: user/42: source 'https://auth.example.com/' is not the accepted source 'https://other.example.com/'.",
            cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_sends_nothing_when_any_line_is_invalid()
    {
        var sender = Substitute.For<ServiceBusSender>();
        var cli = new Cli { ServiceBus = _ => sender };

        var exit = await cli.RunAsync("publish", BadFile(), "--to", "servicebus", "--topic", "authcodes-events");

        Assert.Equal(2, exit);
        Assert.Contains("line 7: The body is not valid JSON", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("4 of 9 line(s) invalid: nothing was sent.", cli.Error.ToString(), StringComparison.Ordinal);
        await sender.DidNotReceiveWithAnyArgs().CreateMessageBatchAsync(default);
        await sender.DidNotReceiveWithAnyArgs().SendMessagesAsync(default(ServiceBusMessageBatch)!, default);
    }

    [Fact]
    public async Task Publish_to_service_bus_sends_each_line_as_is_and_lists_what_was_not_sent_by_line()
    {
        var sender = Substitute.For<ServiceBusSender>();
        var batches = new List<List<ServiceBusMessage>>();
        sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var store = new List<ServiceBusMessage>();
            batches.Add(store);
            return ServiceBusModelFactory.ServiceBusMessageBatch(1024 * 1024, store, tryAddCallback: _ => store.Count < 2);
        });
        var calls = 0;
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>())
            .Returns(_ => ++calls == 2 ? Task.FromException(new ServiceBusException("Quota exceeded.", ServiceBusFailureReason.QuotaExceeded)) : Task.CompletedTask);
        var lines = ValidLines();
        lines.Insert(2, "   ");
        var cli = new Cli { ServiceBus = _ => sender };

        var exit = await cli.RunAsync("publish", folder.Write("events.jsonl", lines), "--to", "servicebus", "--topic", "authcodes-events");

        Assert.Equal(3, exit);
        Assert.Equal([lines[0], lines[1], lines[3], lines[4], lines[5]], batches.SelectMany(b => b).Select(m => m.Body.ToString()));
        var errors = cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("line 4: failed: provider/7 (io.goauthentik.provider.saved, id evt-0003): Its batch of 2 failed", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("line 5: failed: application/", errors[1], StringComparison.Ordinal);
        Assert.Equal("3 of 5 sent to Service Bus topic authcodes-events, 2 failed (may or may not have arrived).", cli.Out.ToString().Trim());
    }

    [Fact]
    public async Task Publish_to_a_running_local_host_applies_the_events_to_its_read_model()
    {
        var clock = new FakeTimeProvider(TestEvents.Now);
        var store = EmbeddedReadModelStore.Create(clock);
        using var host = new LocalHost(store, TestEvents.Source, clock: clock);
        var cli = new Cli { IntakeHandler = host.Server.CreateHandler(), In = new StringReader(string.Join('\n', ValidLines())) };

        var exit = await cli.RunAsync("publish", "-", "--to", "http://127.0.0.1:7071");

        Assert.Equal(0, exit);
        Assert.Equal("5 of 5 sent to intake http://127.0.0.1:7071.", cli.Out.ToString().Trim());
        var code = await store.Codes.GetCodeAsync(9001, CancellationToken.None);
        Assert.NotNull(code);
        Assert.Equal("alice", code.User.Username);
        Assert.Equal("grafana", code.Provider.AssignedApplicationSlug);
    }

    [Fact]
    public async Task Publish_to_a_local_host_reports_rejected_and_ignored_events_by_line()
    {
        var clock = new FakeTimeProvider(TestEvents.Now);
        var store = EmbeddedReadModelStore.Create(clock);
        using var host = new LocalHost(store, TestEvents.Source, clock: clock);
        var lines = ValidLines();
        var foreign = new ChangeEventFactory("https://other.example.com/", () => "evt-foreign").Saved(TestEvents.Code(9002), 5);
        lines.Add(foreign.Json);
        var cli = new Cli { IntakeHandler = host.Server.CreateHandler() };
        Assert.Equal(0, await new Cli { IntakeHandler = host.Server.CreateHandler() }
            .RunAsync("publish", folder.Write("first.jsonl", lines.Take(1)), "--to", "http://127.0.0.1:7071"));

        var exit = await cli.RunAsync("publish", folder.Write("events.jsonl", lines), "--to", "http://127.0.0.1:7071");

        Assert.Equal(3, exit);
        Assert.Equal(
            "line 6: rejected: authorization_code/9002 (io.goauthentik.authorization_code.saved, id evt-foreign): source 'https://other.example.com/' is not the accepted source 'https://auth.example.com/'.",
            cli.Error.ToString().Trim());
        Assert.Equal("5 of 6 sent to intake http://127.0.0.1:7071, 1 rejected.", cli.Out.ToString().Trim());
        Assert.Single(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Publish_with_a_wrong_intake_key_says_refused_with_the_status_not_may_have_arrived()
    {
        var clock = new FakeTimeProvider(TestEvents.Now);
        var store = EmbeddedReadModelStore.Create(clock);
        using var host = new LocalHost(store, TestEvents.Source, intakeKey: "right-key", clock: clock);
        var cli = new Cli { IntakeHandler = host.Server.CreateHandler() };

        var exit = await cli.RunAsync("publish", folder.Write("events.jsonl", ValidLines().Take(2)), "--to", "http://127.0.0.1:7071", "--intake-key", "wrong-key");

        Assert.Equal(3, exit);
        Assert.Equal(
            [
                "line 1: refused: group/6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11 (io.goauthentik.group.saved, id evt-0001): The intake answered 403 Forbidden: {\"detail\":\"A valid X-Intake-Key header is required.\"}",
                "line 2: refused: user/42 (io.goauthentik.user.saved, id evt-0002): The intake answered 403 Forbidden: {\"detail\":\"A valid X-Intake-Key header is required.\"}",
            ],
            cli.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("0 of 2 sent to intake http://127.0.0.1:7071, 2 refused (nothing arrived; the reason is above).\n", cli.Out.ToString());
        Assert.Empty(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
    }

    [Theory]
    [InlineData("publish", "x.jsonl")]
    [InlineData("publish", "x.jsonl", "--to", "servicebus")]
    [InlineData("publish", "x.jsonl", "--to", "ftp://host/")]
    [InlineData("publish", "missing.jsonl", "--to", "http://127.0.0.1:7071")]
    [InlineData("validate", "missing.jsonl")]
    public async Task Publish_refuses_an_incomplete_destination(params string[] args)
    {
        var cli = new Cli();

        Assert.Equal(1, await cli.RunAsync(args));
        Assert.StartsWith("error: ", cli.Error.ToString(), StringComparison.Ordinal);
    }
}
