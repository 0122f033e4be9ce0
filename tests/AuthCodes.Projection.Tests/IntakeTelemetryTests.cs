using System.Diagnostics;
using System.Diagnostics.Metrics;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// The intake's spans and metrics as an operator's exporter reads them: names, units and tags. Tests run in
/// parallel and the intake's meter and activity source are static, so each test reads only what happened
/// under its own trace (a measurement is recorded inside the event's span, under the test's activity).
/// </summary>
public sealed class IntakeTelemetryTests
{
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly FakeLogger<ChangeEventIntake> logger = new();

    private ChangeEventIntake Intake(ReadModelStores? stores = null)
    {
        var store = stores ?? EmbeddedReadModelStore.Create(time);
        return new(new ChangeEventParser(Events.Source), new Projector(store.Snapshots, store.Views, time), store.RejectedEvents, store.Snapshots, new ProjectionProgress(), time, logger);
    }

    private static BinaryData Body(string json) => BinaryData.FromString(json);

    [Fact]
    public async Task Counts_each_event_by_outcome_and_measures_the_lag_of_an_applied_one_in_seconds()
    {
        var intake = Intake();
        var user = Events.User(42, Events.V);
        time.Advance(TimeSpan.FromSeconds(90.5)); // the event's time is Sample.Now

        using var telemetry = new Telemetry();
        await intake.HandleAsync(Body(user), CancellationToken.None);
        await intake.HandleAsync(Body(user), CancellationToken.None); // a duplicate: ignored, its lag not measured
        await intake.HandleAsync(Body("""{"specversion":"1.0"}"""), CancellationToken.None);

        Assert.Equal(
            [
                "authcodes.projection.events {event} 1 outcome=applied",
                "authcodes.projection.lag s 90.5 ",
                "authcodes.projection.events {event} 1 outcome=ignored",
                "authcodes.projection.events {event} 1 outcome=rejected",
            ],
            telemetry.Measurements);
    }

    [Fact]
    public void The_instruments_describe_themselves()
    {
        _ = ChangeEventIntake.DefaultRejectedEventRetention; // creates the meter's instruments
        using var telemetry = new Telemetry();

        Assert.Equal(
            [
                "authcodes.projection.events: Events by outcome (applied, ignored, rejected).",
                "authcodes.projection.lag: Time from an event's 'time' to its application.",
            ],
            telemetry.Instruments.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_applied_event_without_a_time_is_counted_and_its_lag_not_measured()
    {
        var intake = Intake();
        var user = Events.User(42, Events.V).Replace("\"time\":\"2024-09-13T14:05:42.243Z\",", "", StringComparison.Ordinal);
        Assert.DoesNotContain("\"time\"", user, StringComparison.Ordinal);

        using var telemetry = new Telemetry();
        await intake.HandleAsync(Body(user), CancellationToken.None);

        Assert.Equal(["authcodes.projection.events {event} 1 outcome=applied"], telemetry.Measurements);
    }

    [Fact]
    public async Task One_span_per_event_under_the_callers_span_tagged_with_the_events_facts_and_outcome()
    {
        var intake = Intake();

        using var telemetry = new Telemetry();
        await intake.HandleAsync(Body(Events.User(42, Events.V, id: "evt-span")), CancellationToken.None);
        await intake.HandleAsync(Body(Events.User(43, Events.V, id: "evt-foreign").Replace(Events.Source, "https://other.example.com/", StringComparison.Ordinal)), CancellationToken.None);
        await intake.HandleAsync(Body("""{"specversion":"1.0"}"""), CancellationToken.None);

        Assert.Equal(
            [
                $"project change event parent={telemetry.CallerSpanId} Unset cloudevents.event_id=evt-span cloudevents.event_type=io.goauthentik.user.saved cloudevents.event_subject=user/42 authcodes.projection.outcome=applied",
                $"project change event parent={telemetry.CallerSpanId} Unset cloudevents.event_id=evt-foreign cloudevents.event_type=io.goauthentik.user.saved cloudevents.event_subject=user/43 authcodes.projection.outcome=rejected",
                $"project change event parent={telemetry.CallerSpanId} Unset authcodes.projection.outcome=rejected",
            ],
            telemetry.Spans);
    }

    [Fact]
    public async Task A_failing_store_call_marks_the_span_as_failed_with_the_exception_and_counts_nothing()
    {
        var stores = FaultyStore.WrapProjectorPorts(EmbeddedReadModelStore.Create(time), _ => StoreFault.Transient);
        var intake = Intake(stores);

        using var telemetry = new Telemetry();
        await Assert.ThrowsAsync<StoreUnavailableException>(() => intake.HandleAsync(Body(Events.User(42, Events.V, id: "evt-fail")), CancellationToken.None));

        Assert.Equal([$"project change event parent={telemetry.CallerSpanId} Error StoreUnavailableException exception:AuthCodes.ReadModel.StoreUnavailableException"], telemetry.Spans);
        Assert.Empty(telemetry.Measurements);
    }

    /// <summary>
    /// Listens to the intake's meter and activity source while it lives, keeping what happens under the
    /// caller's span it starts (the test's own trace) as text.
    /// </summary>
    private sealed class Telemetry : IDisposable
    {
        private readonly Activity caller = new Activity("telemetry test").Start();
        private readonly MeterListener meters = new();
        private readonly ActivityListener activities;
        private readonly List<string> measurements = [];
        private readonly List<string> spans = [];
        private readonly List<string> instruments = [];

        public Telemetry()
        {
            meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ChangeEventIntake.MeterName)
                {
                    lock (instruments)
                    {
                        instruments.Add($"{instrument.Name}: {instrument.Description}");
                    }

                    listener.EnableMeasurementEvents(instrument);
                }
            };
            meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Measured(instrument, value, tags));
            meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Measured(instrument, value, tags));
            meters.Start();

            activities = new ActivityListener
            {
                ShouldListenTo = source => source.Name == ChangeEventIntake.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = Stopped,
            };
            ActivitySource.AddActivityListener(activities);
        }

        public ActivitySpanId CallerSpanId => caller.SpanId;

        public IReadOnlyList<string> Measurements
        {
            get
            {
                lock (measurements)
                {
                    return [.. measurements];
                }
            }
        }

        public IReadOnlyList<string> Spans
        {
            get
            {
                lock (spans)
                {
                    return [.. spans];
                }
            }
        }

        public IReadOnlyList<string> Instruments
        {
            get
            {
                lock (instruments)
                {
                    return [.. instruments];
                }
            }
        }

        private bool InThisTest(Activity? activity) => activity?.TraceId == caller.TraceId;

        private void Measured<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (!InThisTest(Activity.Current))
            {
                return;
            }

            var text = $"{instrument.Name} {instrument.Unit} {value} {string.Join(' ', tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}"))}";
            lock (measurements)
            {
                measurements.Add(text);
            }
        }

        private void Stopped(Activity activity)
        {
            if (!InThisTest(activity))
            {
                return;
            }

            var tags = string.Concat(activity.TagObjects.Select(tag => $" {tag.Key}={tag.Value}"));
            var description = activity.StatusDescription is { } text ? $" {text}" : "";
            var events = string.Concat(activity.Events.Select(e => $" {e.Name}:{e.Tags.FirstOrDefault(tag => tag.Key == "exception.type").Value}"));
            lock (spans)
            {
                spans.Add($"{activity.DisplayName} parent={activity.ParentSpanId} {activity.Status}{description}{tags}{events}");
            }
        }

        public void Dispose()
        {
            activities.Dispose();
            meters.Dispose();
            caller.Dispose();
        }
    }
}
