using System.Collections.Concurrent;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.ApplicationInsights.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Functions.Tests;

public sealed class ProjectionMetricsForwarderTests
{
    private sealed class CapturingChannel : ITelemetryChannel
    {
        public ConcurrentQueue<ITelemetry> Sent { get; } = new();

        public bool? DeveloperMode { get; set; }

        public string EndpointAddress { get; set; } = "";

        public void Send(ITelemetry item) => Sent.Enqueue(item);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task Forwards_projection_outcomes_and_lag_to_application_insights_metrics()
    {
        var channel = new CapturingChannel();
        using var configuration = new TelemetryConfiguration { TelemetryChannel = channel, ConnectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000" };
        var telemetry = new TelemetryClient(configuration);
        using var forwarder = new ProjectionMetricsForwarder(telemetry);
        await forwarder.StartAsync(CancellationToken.None);
        var time = new FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var projector = new Projector(store.Snapshots, store.Views, time);
        var intake = new ChangeEventIntake(new ChangeEventParser(null), projector, store.RejectedEvents, store.Snapshots, new ProjectionProgress(), time, NullLogger<ChangeEventIntake>.Instance);

        await intake.HandleAsync(BinaryData.FromString(ChangeEvents.User(42, "alice").ToJsonString()), CancellationToken.None);
        await intake.HandleAsync(BinaryData.FromString("{not json"), CancellationToken.None);
        configuration.GetMetricManager().Flush();

        var metrics = channel.Sent.OfType<MetricTelemetry>().ToList();
        Assert.Contains(metrics, m => m.Name == "authcodes.projection.events" && m.Properties.TryGetValue("outcome", out var o) && o == "applied");
        Assert.Contains(metrics, m => m.Name == "authcodes.projection.events" && m.Properties.TryGetValue("outcome", out var o) && o == "rejected");
        Assert.Contains(metrics, m => m.Name == "authcodes.projection.lag" && m.Count >= 1);
    }
}
