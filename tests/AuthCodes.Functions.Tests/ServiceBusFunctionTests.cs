using System.Text.Json.Nodes;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// <see cref="ProjectChangeEvent"/> driven with <c>ServiceBusModelFactory</c> messages. The host
/// completes a message when the function returns (autoCompleteMessages) and abandons it when the
/// function throws, so "returns normally" and "throws" are the two fates asserted here.
/// </summary>
public sealed class ServiceBusFunctionTests : IDisposable
{
    private readonly ProjectorHarness harness = new();

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task A_valid_user_event_is_applied_and_visible_through_the_store()
    {
        var message = ProjectorHarness.Message(ChangeEvents.User(7, "alice"));

        await harness.DeliverAsync(message);

        var user = await harness.Store.Views.GetUserAsync(7, CancellationToken.None);
        Assert.NotNull(user);
        Assert.Equal("alice", user.Username);
        Assert.Equal(["applied"], harness.LoggedOutcomes());
        Assert.Equal(harness.Clock.GetUtcNow(), harness.Progress.LastAppliedAt);
        Assert.Empty(await harness.RejectedAsync());
    }

    [Fact]
    public async Task The_log_lines_of_a_message_carry_its_message_id_delivery_count_and_enqueued_time()
    {
        var message = ProjectorHarness.Message(ChangeEvents.User(7, "alice"), deliveryCount: 3);

        await harness.DeliverAsync(message);

        var line = Assert.Single(harness.Logs.GetSnapshot(), r => r.Category == typeof(ChangeEventIntake).FullName);
        var scope = Assert.Single(line.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>()).ToDictionary();
        Assert.Equal(message.MessageId, scope["MessageId"]);
        Assert.Equal("3", scope["DeliveryCount"]);
        Assert.Equal(ProjectorHarness.BindingData(message)["EnqueuedTimeUtc"], scope["EnqueuedTimeUtc"]);
    }

    [Fact]
    public async Task A_code_with_its_user_and_provider_is_listed_without_its_secrets_and_no_secret_is_logged()
    {
        await harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.Provider(1)));
        await harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.User(7, "alice")));
        await harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.CodeWithSecrets(42, provider: 1, user: 7)));

        var code = await harness.Store.Codes.GetCodeAsync(42, CancellationToken.None);
        Assert.NotNull(code);
        Assert.Equal(["openid", "profile"], code.Scope);
        Assert.Equal(["applied", "applied", "applied"], harness.LoggedOutcomes());
        AssertNoSecretIn(harness.EverythingLogged());
        AssertNoSecretIn(System.Text.Json.JsonSerializer.Serialize(code));
    }

    [Fact]
    public async Task A_redelivered_duplicate_is_ignored_and_completes()
    {
        var cloudEvent = ChangeEvents.User(7, "alice");
        await harness.DeliverAsync(ProjectorHarness.Message(cloudEvent));

        await harness.DeliverAsync(ProjectorHarness.Message(cloudEvent, deliveryCount: 2));

        Assert.Equal(["applied", "ignored"], harness.LoggedOutcomes());
        Assert.Equal("alice", (await harness.Store.Views.GetUserAsync(7, CancellationToken.None))?.Username);
        Assert.Empty(await harness.RejectedAsync());
    }

    public static TheoryData<string, string, string?, string> Poison => new()
    {
        // name, body, expected event id, expected start of the reason
        { "malformed JSON", """{"specversion":"1.0","id":"evt-broken","data":{"code":"c0de-9f8e7d6c5b4a39281706f5e4d3c2b1a0" """, null, "The body is not valid JSON (" },
        {
            "unknown type",
            WithSecrets(e => e["type"] = "io.goauthentik.widget.saved", "evt-unknown-type"),
            "evt-unknown-type",
            "Unknown type 'io.goauthentik.widget.saved'"
        },
        {
            "foreign source",
            WithSecrets(e => e["source"] = "https://evil.example.com/", "evt-foreign"),
            "evt-foreign",
            "source 'https://evil.example.com/' is not the accepted source 'https://auth.example.com/'."
        },
        {
            "invalid payload",
            ChangeEvents.CodeWithSecrets(43, provider: 1, user: "seven").Also("evt-invalid").ToJsonString(),
            "evt-invalid",
            "data.user must be an integer."
        },
    };

    [Theory]
    [MemberData(nameof(Poison))]
    public async Task A_poison_message_is_recorded_as_rejected_with_its_reason_and_completes_without_leaking_secrets(
        string name, string body, string? eventId, string reason)
    {
        // Returning normally (no exception) is what completes the message.
        await harness.DeliverAsync(ProjectorHarness.Message(body, messageId: eventId ?? "msg-" + name));

        var rejected = Assert.Single(await harness.RejectedAsync());
        Assert.Equal(eventId, rejected.EventId);
        Assert.StartsWith(reason, rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(harness.Clock.GetUtcNow(), rejected.RejectedAt);
        if (eventId is not null)
        {
            Assert.Equal(eventId, rejected.RecordId);
            Assert.NotNull(rejected.Body);
            Assert.Contains(eventId, rejected.Body, StringComparison.Ordinal);
        }

        AssertNoSecretIn(rejected.Body ?? "");
        AssertNoSecretIn(rejected.Reason);
        AssertNoSecretIn(harness.EverythingLogged());
        Assert.Contains(harness.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning && r.Message.Contains("rejected", StringComparison.Ordinal));
        Assert.Null(await harness.Store.Codes.GetCodeAsync(43, CancellationToken.None));
    }

    [Fact]
    public async Task A_redelivered_poison_message_overwrites_its_own_record()
    {
        var body = WithSecrets(e => e["type"] = "io.goauthentik.widget.saved", "evt-twice");

        await harness.DeliverAsync(ProjectorHarness.Message(body, "evt-twice"));
        await harness.DeliverAsync(ProjectorHarness.Message(body, "evt-twice", deliveryCount: 2));

        Assert.Equal("evt-twice", Assert.Single(await harness.RejectedAsync()).RecordId);
    }

    public static TheoryData<string> TransientFailures => new() { "timeout", "conflict" };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task A_transient_store_failure_throws_so_nothing_completes_and_nothing_is_recorded_as_rejected(string failure)
    {
        var snapshots = Substitute.For<ISnapshotStore>();
        var rejectedEvents = Substitute.For<IRejectedEventStore>();
        if (failure == "timeout")
        {
            snapshots.GetSnapshotAsync(Arg.Any<EntityKey>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("The store did not answer in time."));
        }
        else
        {
            // Every conditional write loses its race: after the projector's retries, a SnapshotConflictException.
            snapshots.GetSnapshotAsync(Arg.Any<EntityKey>(), Arg.Any<CancellationToken>()).Returns((EntitySnapshot?)null);
            snapshots.TryWriteSnapshotAsync(Arg.Any<EntitySnapshot>(), Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(false);
        }

        using var failing = new ProjectorHarness(EmbeddedReadModelStore.Create() with { Snapshots = snapshots, RejectedEvents = rejectedEvents });
        var message = ProjectorHarness.Message(ChangeEvents.User(7, "alice"));

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => failing.DeliverAsync(message));

        Assert.IsType(failure == "timeout" ? typeof(TimeoutException) : typeof(SnapshotConflictException), thrown);
        await rejectedEvents.DidNotReceiveWithAnyArgs().RecordRejectedEventAsync(default!, default);
        Assert.Null(failing.Progress.LastAppliedAt);
        Assert.Empty(failing.LoggedOutcomes());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void The_app_refuses_to_start_without_events_source(string? source)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Events:Source"] = source })
            .Build();

        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddChangeEventProjection()
            .RequireEventSource()
            .BuildServiceProvider();

        var thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EventsOptions>>().Value);

        Assert.Contains("Events:Source", thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "applied")]
    [InlineData("00:00:30", "ignored")]
    public async Task Events_code_grace_period_decides_whether_a_recently_expired_code_is_still_projected(string? gracePeriod, string outcome)
    {
        var settings = new Dictionary<string, string?>();
        if (gracePeriod is not null)
        {
            settings["Events:CodeGracePeriod"] = gracePeriod;
        }

        using var configured = new ProjectorHarness(settings: settings);
        var expiredAMinuteAgo = ChangeEvents.CodeWithSecrets(45, provider: 1, user: 7, expires: configured.Clock.GetUtcNow().AddMinutes(-1));

        await configured.DeliverAsync(ProjectorHarness.Message(expiredAMinuteAgo));

        Assert.Equal([outcome], configured.LoggedOutcomes());
    }

    private static string WithSecrets(Action<JsonObject> change, string id)
    {
        var cloudEvent = ChangeEvents.CodeWithSecrets(44, provider: 1, user: 7).Also(id);
        change(cloudEvent);
        return cloudEvent.ToJsonString();
    }

    private static void AssertNoSecretIn(string text)
    {
        foreach (var secret in Secrets.All)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}

internal static class CloudEventExtensions
{
    /// <summary>The event with the given id.</summary>
    public static JsonObject Also(this JsonObject cloudEvent, string id)
    {
        cloudEvent["id"] = id;
        return cloudEvent;
    }
}
