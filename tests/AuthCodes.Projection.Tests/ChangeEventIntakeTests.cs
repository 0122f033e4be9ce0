using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Projection.Tests;

public sealed class ChangeEventIntakeTests
{
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ReadModelStores store;
    private readonly FakeLogger<ChangeEventIntake> logger = new();
    private readonly ProjectionProgress progress = new();
    private readonly Projector projector;

    public ChangeEventIntakeTests()
    {
        store = EmbeddedReadModelStore.Create(time);
        projector = new Projector(store.Snapshots, store.Views, time);
    }

    private ChangeEventIntake Intake(string? source = Events.Source) =>
        new(new ChangeEventParser(source), projector, store.RejectedEvents, store.Snapshots, progress, time, logger);

    private static BinaryData Body(string json) => BinaryData.FromString(json);

    [Fact]
    public async Task Records_a_rejected_event_under_its_id_without_secrets_and_overwrites_it_on_redelivery()
    {
        var data = Events.CodeData(9001, 1, 42);
        data["code"] = "the-authorization-code";
        data["nonce"] = "the-nonce";
        data["pk"] = "not-a-number";
        var json = Events.Envelope("authorization_code", "saved", "9001", Events.V, data, id: "evt-bad");

        var outcome = await Intake().HandleAsync(Body(json), CancellationToken.None);
        await Intake().HandleAsync(Body(json), CancellationToken.None);

        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        var record = Assert.Single(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
        Assert.Equal("evt-bad", record.RecordId);
        Assert.Equal("io.goauthentik.authorization_code.saved", record.Type);
        Assert.Equal("authorization_code/9001", record.Subject);
        Assert.Equal(outcome.Reason, record.Reason);
        Assert.Equal(Sample.Now, record.RejectedAt);
        Assert.Equal(Sample.Now.AddDays(14), record.ExpiresAt);
        Assert.DoesNotContain("the-authorization-code", record.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("the-nonce", record.Body, StringComparison.Ordinal);
        Assert.All(logger.Collector.GetSnapshot(), line => Assert.DoesNotContain("the-", line.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_record_keeps_only_the_contracts_envelope_attributes_and_the_entitys_data_fields()
    {
        const string json = """
            {"specversion":"1.0","id":"evt-leaky","source":"https://auth.example.com/","type":"io.goauthentik.user.saved",
             "subject":"user/42","entityversion":"7","token":"envelope-token","authorization":"Bearer x",
             "data":{"pk":42,"password":"hunter2","token":"t0k3n","code":"c0de","username":"alice","uuid":"not-a-uuid",
                     "attributes":{"Code":"nested-code","team":"a"}}}
            """;

        await Intake().HandleAsync(Body(json), CancellationToken.None);

        var record = Assert.Single(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
        Assert.Equal(
            """{"specversion":"1.0","id":"evt-leaky","source":"https://auth.example.com/","type":"io.goauthentik.user.saved","subject":"user/42","entityversion":"7","data":{"pk":42,"username":"alice","uuid":"not-a-uuid","attributes":{"team":"a"}}}""",
            record.Body);
    }

    [Fact]
    public async Task A_record_of_an_event_naming_no_entity_keeps_no_data()
    {
        const string json = """
            {"specversion":"1.0","id":"evt-unknown","source":"https://auth.example.com/","type":"io.goauthentik.session.saved",
             "subject":"session/1","entityversion":"7","data":{"pk":1,"password":"hunter2"}}
            """;

        await Intake().HandleAsync(Body(json), CancellationToken.None);

        var record = Assert.Single(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
        Assert.Equal(
            """{"specversion":"1.0","id":"evt-unknown","source":"https://auth.example.com/","type":"io.goauthentik.session.saved","subject":"session/1","entityversion":"7"}""",
            record.Body);
    }

    [Fact]
    public async Task Records_an_unparseable_body_under_a_hash_of_it_and_keeps_no_body()
    {
        var outcome = await Intake().HandleAsync(Body("{not json"), CancellationToken.None);

        var record = Assert.Single(await store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
        Assert.Equal(OutcomeKind.Rejected, outcome.Kind);
        Assert.StartsWith("sha256-", record.RecordId, StringComparison.Ordinal);
        Assert.Null(record.EventId);
        Assert.Null(record.Body);
        Assert.StartsWith("The body is not valid JSON", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_one_line_per_outcome_with_its_facts()
    {
        var intake = Intake();
        var user = Events.User(42, Events.V, username: "alice", id: "evt-user");

        await intake.HandleAsync(Body(user), CancellationToken.None);
        await intake.HandleAsync(Body(user), CancellationToken.None);
        await intake.HandleAsync(Body(Events.User(43, Events.V, id: "evt-foreign").Replace(Events.Source, "https://other.example.com/", StringComparison.Ordinal)), CancellationToken.None);

        var lines = logger.Collector.GetSnapshot();
        Assert.Equal(3, lines.Count);
        Assert.Contains("evt-user io.goauthentik.user.saved user/42 version 1726236342243000: applied", lines[0].Message, StringComparison.Ordinal);
        Assert.Contains("evt-user io.goauthentik.user.saved user/42 version 1726236342243000: ignored", lines[1].Message, StringComparison.Ordinal);
        Assert.Contains("evt-foreign io.goauthentik.user.saved user/43: rejected", lines[2].Message, StringComparison.Ordinal);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, lines[2].Level);
    }

    [Fact]
    public async Task A_log_line_holds_the_lag_in_milliseconds_and_the_reason_of_an_ignored_or_rejected_event()
    {
        var intake = Intake();
        var user = Events.User(42, Events.V, id: "evt-user");
        time.Advance(TimeSpan.FromSeconds(1.5)); // the event's time is Sample.Now

        await intake.HandleAsync(Body(user), CancellationToken.None);
        await intake.HandleAsync(Body(user), CancellationToken.None);
        await intake.HandleAsync(Body(Events.User(42, Events.V - 1, id: "evt-old")), CancellationToken.None);
        await intake.HandleAsync(Body(Events.User(43, Events.V, id: "evt-foreign").Replace(Events.Source, "https://other.example.com/", StringComparison.Ordinal)), CancellationToken.None);

        Assert.Equal(
            [
                "Event evt-user io.goauthentik.user.saved user/42 version 1726236342243000: applied  (lag 1500 ms)",
                "Event evt-user io.goauthentik.user.saved user/42 version 1726236342243000: ignored Duplicate: this event is already applied. (lag 1500 ms)",
                "Event evt-old io.goauthentik.user.saved user/42 version 1726236342242999: ignored Stale: version 1726236342243000 (saved, id evt-user) is already applied. (lag 1500 ms)",
                "Event evt-foreign io.goauthentik.user.saved user/43: rejected source 'https://other.example.com/' is not the accepted source 'https://auth.example.com/'.",
            ],
            logger.Collector.GetSnapshot().Select(line => line.Message));
    }

    [Fact]
    public async Task Remembers_when_it_last_applied_an_event_and_not_when_it_ignored_one()
    {
        var intake = Intake();
        Assert.Null(progress.LastAppliedAt);

        var user = Events.User(42, Events.V);
        await intake.HandleAsync(Body(user), CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(5));
        await intake.HandleAsync(Body(user), CancellationToken.None); // a duplicate

        Assert.Equal(Sample.Now, progress.LastAppliedAt);
    }

    [Fact]
    public async Task Replay_applies_a_recorded_event_once_the_cause_is_fixed_and_forgets_the_record()
    {
        // Recorded while the intake accepted another source (a configuration mistake, since fixed).
        var foreign = Events.User(42, Events.V, username: "alice", id: "evt-replay").Replace(Events.Source, "https://auth.internal/", StringComparison.Ordinal);
        await Intake().HandleAsync(Body(foreign), CancellationToken.None);
        Assert.NotNull(await store.RejectedEvents.GetRejectedEventAsync("evt-replay", CancellationToken.None));

        var outcome = await Intake(source: "https://auth.internal/").ReplayAsync("evt-replay", CancellationToken.None);

        Assert.Equal(OutcomeKind.Applied, outcome?.Kind);
        Assert.Null(await store.RejectedEvents.GetRejectedEventAsync("evt-replay", CancellationToken.None));
        Assert.Equal("alice", (await store.Views.GetUserAsync(42, CancellationToken.None))?.Username);
    }

    [Fact]
    public async Task Replaying_a_provider_event_keeps_the_stored_client_secret()
    {
        await Intake().HandleAsync(Body(Events.Provider(7, Events.V)), CancellationToken.None);
        var foreign = Events.Provider(7, Events.V + 1, name: "Renamed", id: "evt-provider").Replace(Events.Source, "https://auth.internal/", StringComparison.Ordinal);
        await Intake().HandleAsync(Body(foreign), CancellationToken.None);

        var outcome = await Intake(source: "https://auth.internal/").ReplayAsync("evt-provider", CancellationToken.None);

        Assert.Equal(OutcomeKind.Applied, outcome?.Kind);
        var stored = (await store.Snapshots.GetSnapshotAsync(EntityKey.Provider(7), CancellationToken.None))?.State as ProviderState;
        Assert.Equal("Renamed", stored?.Name);
        Assert.Equal("s3cr3t-provider7", stored?.ClientSecret);
        Assert.Equal("s3cr3t-provider7", (await store.Codes.GetClientSecretsAsync([7], CancellationToken.None)).GetValueOrDefault(7));
    }

    [Fact]
    public async Task Replay_keeps_the_record_when_the_event_is_rejected_again()
    {
        var data = Events.UserData(42);
        data.Remove("username");
        await Intake().HandleAsync(Body(Events.Envelope("user", "saved", "42", Events.V, data, id: "evt-invalid")), CancellationToken.None);

        var outcome = await Intake().ReplayAsync("evt-invalid", CancellationToken.None);

        Assert.Equal(OutcomeKind.Rejected, outcome?.Kind);
        Assert.NotNull(await store.RejectedEvents.GetRejectedEventAsync("evt-invalid", CancellationToken.None));
        Assert.Null(await Intake().ReplayAsync("no-such-record", CancellationToken.None));
    }

    [Fact]
    public async Task A_batch_is_judged_event_by_event()
    {
        var batch = new JsonArray(
            JsonNode.Parse(Events.User(42, Events.V)),
            JsonNode.Parse("""{"specversion":"1.0"}"""),
            JsonNode.Parse(Events.User(42, Events.V - 1)));

        var outcomes = await Intake().HandleBatchAsync(Body(batch.ToJsonString()), CancellationToken.None);

        Assert.Equal([OutcomeKind.Applied, OutcomeKind.Rejected, OutcomeKind.Ignored], outcomes.Select(o => o.Kind));
    }
}
