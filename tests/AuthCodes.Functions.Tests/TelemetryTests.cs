using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCodes.Functions.Tests;

/// <summary>Telemetry tests read process-wide sources and meters: they run alone, so no other test's events count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>
/// The worker's OpenTelemetry composition (<see cref="FunctionsTelemetry"/>) around <see cref="ProjectChangeEvent"/>,
/// with the in-memory exporter, or the Azure Monitor exporter over a capturing transport.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    /// <summary>The worker's invocation span source (<c>UseFunctionsWorkerDefaults</c> adds it).</summary>
    private const string WorkerActivitySource = "Microsoft.Azure.Functions.Worker";

    /// <summary>The trace context a publisher's message carries (Diagnostic-Id), continued by the host.</summary>
    private static readonly ActivityContext MessageContext = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);

    [Fact]
    public async Task A_projected_event_is_a_span_under_the_invocation_in_the_messages_trace()
    {
        var spans = new List<Activity>();
        using var harness = new ProjectorHarness(configureServices: (services, _) =>
            services.AddFunctionsTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        var tracer = harness.Services.GetRequiredService<TracerProvider>();
        var cloudEvent = ChangeEvents.User(7, "alice");

        using (var source = new ActivitySource(WorkerActivitySource))
        using (source.StartActivity("Invoke", ActivityKind.Server, MessageContext))
        {
            await harness.DeliverAsync(ProjectorHarness.Message(cloudEvent));
        }

        tracer.ForceFlush();
        var trace = spans.Where(span => span.TraceId == MessageContext.TraceId).ToList();
        var invocation = Assert.Single(trace, span => span.Source.Name == WorkerActivitySource);
        Assert.Equal(MessageContext.SpanId, invocation.ParentSpanId);
        var projected = Assert.Single(trace, span => span.Source.Name == ChangeEventIntake.ActivitySourceName);
        Assert.Equal(ChangeEventIntake.EventSpanName, projected.DisplayName);
        Assert.Equal(invocation.SpanId, projected.ParentSpanId);
        Assert.Equal((string?)cloudEvent["id"], projected.GetTagItem("cloudevents.event_id"));
        Assert.Equal("io.goauthentik.user.saved", projected.GetTagItem("cloudevents.event_type"));
        Assert.Equal("user/7", projected.GetTagItem("cloudevents.event_subject"));
        Assert.Equal("applied", projected.GetTagItem("authcodes.projection.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, projected.Status);
    }

    [Fact]
    public async Task A_store_failure_marks_the_events_span_failed_and_still_propagates()
    {
        var spans = new List<Activity>();
        var snapshots = Substitute.For<ISnapshotStore>();
        snapshots.GetSnapshotAsync(Arg.Any<EntityKey>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("store timed out"));
        using var harness = new ProjectorHarness(
            EmbeddedReadModelStore.Create() with { Snapshots = snapshots },
            configureServices: (services, _) => services.AddFunctionsTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans)));
        var tracer = harness.Services.GetRequiredService<TracerProvider>();

        using (var source = new ActivitySource(WorkerActivitySource))
        using (source.StartActivity("Invoke", ActivityKind.Server, MessageContext))
        {
            await Assert.ThrowsAsync<TimeoutException>(() => harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.User(7, "alice"))));
        }

        tracer.ForceFlush();
        var projected = Assert.Single(spans, span => span.TraceId == MessageContext.TraceId && span.Source.Name == ChangeEventIntake.ActivitySourceName);
        Assert.Equal(ActivityStatusCode.Error, projected.Status);
        Assert.Equal(nameof(TimeoutException), projected.StatusDescription);
        Assert.Contains(projected.Events, e => e.Name == "exception");
    }

    [Fact]
    public async Task Projection_outcomes_and_lag_are_exported_as_metrics()
    {
        var metrics = new List<Metric>();
        using var harness = new ProjectorHarness(configureServices: (services, _) =>
            services.AddFunctionsTelemetry().WithMetrics(m => m.AddInMemoryExporter(metrics)));
        var meter = harness.Services.GetRequiredService<MeterProvider>();

        await harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.User(7, "alice")));
        await harness.DeliverAsync(ProjectorHarness.Message("{not json"));
        meter.ForceFlush();

        var outcomes = Assert.Single(metrics, m => m.Name == "authcodes.projection.events");
        Assert.Equal(ChangeEventIntake.MeterName, outcomes.MeterName);
        Assert.Equal(
            [("applied", 1L), ("rejected", 1L)],
            Points(outcomes).Select(p => ((string)Tag(p, "outcome")!, p.GetSumLong())).Order());
        var lag = Assert.Single(metrics, m => m.Name == "authcodes.projection.lag");
        var lagPoint = Assert.Single(Points(lag));
        Assert.Equal(1, lagPoint.GetHistogramCount());
        Assert.Equal(2, lagPoint.GetHistogramSum()); // ChangeEvents date each event two seconds before the fake clock.
    }

    [Fact]
    public async Task The_azure_monitor_exporter_sends_the_metrics_the_alert_queries_read()
    {
        var ingestion = new CapturingIngestion();
        using var harness = new ProjectorHarness(
            settings: new Dictionary<string, string?>
            {
                [FunctionsTelemetry.ConnectionStringSetting] = "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://ingestion.test/",
            },
            configureServices: (services, configuration) => services
                .AddAzureMonitorTelemetryWhenConfigured(configuration)
                .Configure<AzureMonitorExporterOptions>(options =>
                {
                    options.Transport = new HttpClientTransport(ingestion);
                    options.DisableOfflineStorage = true;
                    options.EnableLiveMetrics = false;
                }));
        var meter = harness.Services.GetRequiredService<MeterProvider>();

        await harness.DeliverAsync(ProjectorHarness.Message(ChangeEvents.User(7, "alice")));
        await harness.DeliverAsync(ProjectorHarness.Message("{not json"));
        meter.ForceFlush();

        // customMetrics rows: name, customDimensions (properties), valueSum (value) and valueCount (count, 1 when absent).
        var sent = ingestion.Items("MetricData").Select(data => (Metric: data["metrics"]![0]!, Properties: data["properties"])).ToList();
        var rejected = Assert.Single(sent, s => (string?)s.Metric["name"] == "authcodes.projection.events" && (string?)s.Properties?["outcome"] == "rejected");
        Assert.Equal(1, (double)rejected.Metric["value"]!);
        var lag = Assert.Single(sent, s => (string?)s.Metric["name"] == "authcodes.projection.lag");
        Assert.Equal(2, (double)lag.Metric["value"]!);
        Assert.Equal(1, (int)lag.Metric["count"]!);
    }

    [Fact]
    public void Without_a_connection_string_the_worker_builds_no_telemetry()
    {
        using var harness = new ProjectorHarness(configureServices: (services, configuration) => services.AddAzureMonitorTelemetryWhenConfigured(configuration));

        Assert.Null(harness.Services.GetService<TracerProvider>());
        Assert.Null(harness.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData(null, false, null)]
    [InlineData("", false, null)]
    [InlineData("Authorization=key", false, null)]
    [InlineData("ClientId=5c3d1f2e-0000-4000-8000-000000000001;Authorization=AAD", true, "5c3d1f2e-0000-4000-8000-000000000001")]
    [InlineData(" clientid = abc ; authorization = aad ", true, "abc")]
    [InlineData("Authorization=AAD", true, null)]
    public void The_authentication_string_names_the_ingestion_identity(string? authenticationString, bool entra, string? clientId)
    {
        Assert.Equal(entra, FunctionsTelemetry.UsesEntraIngestion(authenticationString, out var read));
        Assert.Equal(clientId, read);
        Assert.Equal(entra, FunctionsTelemetry.IngestionCredential(authenticationString) is ManagedIdentityCredential);
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static object? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value;
            }
        }

        return null;
    }

    /// <summary>Application Insights' ingestion endpoint: accepts every item and keeps the request bodies.</summary>
    private sealed class CapturingIngestion : HttpMessageHandler
    {
        private readonly List<string> bodies = [];

        /// <summary>The <c>baseData</c> of every sent item of <paramref name="baseType"/> (one JSON object per line of a body).</summary>
        public IEnumerable<JsonNode> Items(string baseType)
        {
            lock (bodies)
            {
                return [.. bodies
                    .SelectMany(body => body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                    .Select(line => JsonNode.Parse(line)!["data"]!)
                    .Where(data => (string?)data["baseType"] == baseType)
                    .Select(data => data["baseData"]!)];
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            var body = request.Content.Headers.ContentEncoding.Contains("gzip")
                ? await new StreamReader(new GZipStream(new MemoryStream(content), CompressionMode.Decompress), Encoding.UTF8).ReadToEndAsync(cancellationToken)
                : Encoding.UTF8.GetString(content);
            lock (bodies)
            {
                bodies.Add(body);
            }

            var items = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"itemsReceived":{{items}},"itemsAccepted":{{items}},"errors":[]}""", Encoding.UTF8, "application/json"),
            };
        }
    }
}
