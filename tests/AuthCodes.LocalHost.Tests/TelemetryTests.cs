using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AuthCodes.Contract;
using AuthCodes.Cosmos;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing.Cosmos;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCodes.LocalHost.Tests;

/// <summary>Telemetry tests read process-wide sources and meters: they run alone, so no other test's requests or events count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>
/// The local host's OpenTelemetry (<see cref="OtlpTelemetry"/>) on the Cosmos store, with the in-memory exporter:
/// each request's trace reaches the Cosmos operations it caused. Requests carry a traceparent of the test's
/// own, so the assertions read that trace only.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests(LocalCosmosServer server) : IClassFixture<LocalCosmosServer>
{
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private const string List = "/api/v3/oauth2/authorization_codes/";

    [Fact]
    public async Task A_posted_event_and_a_list_request_are_traced_down_to_the_cosmos_operations_and_the_projection_is_measured()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var host = new CosmosLocalHost(server, services => services.AddLocalHostTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddInMemoryExporter(metrics)));
        using var client = host.Factory.CreateClient();

        var posting = ActivityTraceId.CreateRandom();
        using var post = Traced(HttpMethod.Post, EventIntake.Route, posting);
        // An active user, so the list below answers for alice.
        var activeUser = EventIntakeTests.UserEvent.Replace("\"username\":\"alice\",", "\"username\":\"alice\",\"is_active\":true,", StringComparison.Ordinal);
        post.Content = new StringContent(activeUser, Encoding.UTF8, CloudEventContentTypes.Single);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(post)).StatusCode);
        var listing = ActivityTraceId.CreateRandom();
        using var list = Traced(HttpMethod.Get, List, listing);
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.TokenFor("alice"));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(list)).StatusCode);
        host.Factory.Services.GetRequiredService<TracerProvider>().ForceFlush();
        host.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush();

        var posted = spans.Where(span => span.TraceId == posting).ToList();
        var postRequest = Assert.Single(posted, span => span.Source.Name == AspNetCoreSource);
        Assert.Equal(ActivityKind.Server, postRequest.Kind);
        var projected = Assert.Single(posted, span => span.Source.Name == ChangeEventIntake.ActivitySourceName);
        Assert.Equal(postRequest.SpanId, projected.ParentSpanId);
        Assert.Equal("applied", projected.GetTagItem("authcodes.projection.outcome"));
        var writes = posted.Where(span => span.Source.Name == CosmosServiceCollectionExtensions.OperationActivitySource).ToList();
        Assert.NotEmpty(writes);
        Assert.All(writes, write => Assert.Equal(projected.SpanId, write.ParentSpanId));

        var listed = spans.Where(span => span.TraceId == listing).ToList();
        var listRequest = Assert.Single(listed, span => span.Source.Name == AspNetCoreSource);
        var reads = listed.Where(span => span.Source.Name == CosmosServiceCollectionExtensions.OperationActivitySource).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, read => Assert.Equal(listRequest.SpanId, read.ParentSpanId));

        var outcomes = Assert.Single(metrics, metric => metric.Name == "authcodes.projection.events");
        Assert.Equal(1, SumOf(outcomes, "outcome", "applied"));
        Assert.Contains(metrics, metric => metric.Name == "http.server.request.duration");
    }

    [Fact]
    public void Without_an_otlp_endpoint_the_local_host_collects_nothing()
    {
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create());

        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void With_an_otlp_endpoint_the_local_host_traces_and_measures()
    {
        using var factory = new LocalHostFactory(
            EmbeddedReadModelStore.Create(),
            settings: new Dictionary<string, string> { [OtlpTelemetry.EndpointSetting] = "http://127.0.0.1:4317" });

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }

    /// <summary>A request continuing <paramref name="traceId"/>, as a caller with its own tracing sends it.</summary>
    private static HttpRequestMessage Traced(HttpMethod method, string path, ActivityTraceId traceId)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        return request;
    }

    private static long SumOf(Metric metric, string tag, string value)
    {
        long sum = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var pair in point.Tags)
            {
                if (pair.Key == tag && Equals(pair.Value, value))
                {
                    sum += point.GetSumLong();
                }
            }
        }

        return sum;
    }
}
