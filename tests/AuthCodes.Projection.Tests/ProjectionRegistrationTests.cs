using System.Diagnostics;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>What <c>AddChangeEventProjection</c> gives a host: the <c>Events</c> settings validated at their bounds, an intake wired to them.</summary>
public sealed class ProjectionRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, bool requireSource = false) => Build(settings, requireSource, _ => { });

    private static ServiceProvider Build(Dictionary<string, string?> settings, bool requireSource, Action<IServiceCollection> host)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddChangeEventProjection()
            .ReplaceReadModelStores(EmbeddedReadModelStore.Create());
        host(services);
        if (requireSource)
        {
            services.RequireEventSource();
        }

        return services.BuildServiceProvider();
    }

    private static string[] Failures(Dictionary<string, string?> settings, bool requireSource = false)
    {
        using var provider = Build(settings, requireSource);
        try
        {
            _ = provider.GetRequiredService<IOptions<EventsOptions>>().Value;
            return [];
        }
        catch (OptionsValidationException exception)
        {
            return [.. exception.Failures];
        }
    }

    [Theory]
    [InlineData("RejectedEventRetention", "00:00:00.001", null)]
    [InlineData("RejectedEventRetention", "00:00:00", "Events:RejectedEventRetention must be positive.")]
    [InlineData("FanOutParallelism", "1", null)]
    [InlineData("FanOutParallelism", "256", null)]
    [InlineData("FanOutParallelism", "0", "Events:FanOutParallelism must be between 1 and 256.")]
    [InlineData("FanOutParallelism", "257", "Events:FanOutParallelism must be between 1 and 256.")]
    public void Events_settings_at_and_past_their_bounds(string key, string value, string? failure)
    {
        Assert.Equal(failure is null ? [] : [failure], Failures(new() { ["Events:" + key] = value }));
    }

    [Theory]
    [InlineData(null, "Events:Source (the publishing authentik's CloudEvents source) is required.")]
    [InlineData(" ", "Events:Source (the publishing authentik's CloudEvents source) is required.")]
    [InlineData(Source, null)]
    public void A_host_can_require_a_source(string? source, string? failure)
    {
        Assert.Equal(failure is null ? [] : [failure], Failures(new() { ["Events:Source"] = source }, requireSource: true));
    }

    [Theory]
    [InlineData("", true)] // empty or blank: any source
    [InlineData(" ", true)]
    [InlineData("https://other.example.com/", false)]
    [InlineData(Source, true)]
    public async Task The_intake_accepts_the_configured_source_only(string source, bool accepted)
    {
        using var provider = Build(new() { ["Events:Source"] = source });

        var outcome = await provider.GetRequiredService<ChangeEventIntake>().HandleAsync(BinaryData.FromString(User(42, V)), CancellationToken.None);

        Assert.Equal(accepted ? OutcomeKind.Applied : OutcomeKind.Rejected, outcome.Kind);
        Assert.Equal(accepted, provider.GetRequiredService<ProjectionProgress>().LastAppliedAt is not null);
    }

    [Fact]
    public async Task The_intake_records_rejections_for_the_configured_retention_on_the_hosts_clock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var stores = EmbeddedReadModelStore.Create(clock);
        using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Events:RejectedEventRetention"] = "02:00:00" }).Build())
            .AddSingleton<TimeProvider>(clock)
            .AddChangeEventProjection()
            .ReplaceReadModelStores(stores)
            .BuildServiceProvider();

        await provider.GetRequiredService<ChangeEventIntake>().HandleAsync(BinaryData.FromString("not json"), CancellationToken.None);

        var rejected = Assert.Single(await stores.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
        Assert.Equal((Sample.Now, (DateTimeOffset?)Sample.Now.AddHours(2)), (rejected.RejectedAt, rejected.ExpiresAt));
        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    [Theory]
    [InlineData(-9, OutcomeKind.Applied)]
    [InlineData(-11, OutcomeKind.Ignored)]
    public async Task The_projector_ignores_codes_expired_longer_ago_than_the_configured_grace_period(int expiredMinutes, OutcomeKind kind)
    {
        // Ten minutes configured; the default (an hour) would apply both.
        using var provider = Build(new() { ["Events:CodeGracePeriod"] = "00:10:00" }, requireSource: false, services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Sample.Now)));

        var outcome = await provider.GetRequiredService<ChangeEventIntake>().HandleAsync(
            BinaryData.FromString(Code(1, V, 7, 42, expires: Sample.Now.AddMinutes(expiredMinutes))), CancellationToken.None);

        Assert.Equal(kind, outcome.Kind);
    }

    [Fact]
    public async Task The_intakes_spans_and_metrics_join_the_providers_a_host_builds()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var provider = Build([], requireSource: false, services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddInMemoryExporter(metrics)));
        var tracing = provider.GetRequiredService<TracerProvider>();
        var measuring = provider.GetRequiredService<MeterProvider>();

        await provider.GetRequiredService<ChangeEventIntake>().HandleAsync(BinaryData.FromString(User(42, V)), CancellationToken.None);
        tracing.ForceFlush();
        measuring.ForceFlush();

        Assert.Contains(spans, span => span.Source.Name == ChangeEventIntake.ActivitySourceName);
        Assert.Contains(metrics, metric => metric.MeterName == ChangeEventIntake.MeterName);
    }
}
