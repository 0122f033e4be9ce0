using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AuthCodes.Projection;

/// <summary>Settings of the event intake (configuration section <c>Events</c>).</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>The one CloudEvents <c>source</c> accepted (the publishing authentik install); empty accepts any.</summary>
    public string? Source { get; set; }

    /// <summary>How long a rejected-event record is kept (Cosmos item <c>ttl</c>; the embedded store forgets it then).</summary>
    public TimeSpan RejectedEventRetention { get; set; } = ChangeEventIntake.DefaultRejectedEventRetention;

    /// <summary>How many derived items of one event the projector writes at once (<see cref="ProjectionOptions.FanOutParallelism"/>).</summary>
    public int FanOutParallelism { get; set; } = ProjectionOptions.DefaultFanOutParallelism;
}

public static class ProjectionServiceCollectionExtensions
{
    /// <summary>The projection core and the intake both hosts feed events through; the host adds the store.</summary>
    public static IServiceCollection AddChangeEventProjection(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>()
            .BindConfiguration(EventsOptions.SectionName)
            .Validate(options => options.RejectedEventRetention > TimeSpan.Zero, "Events:RejectedEventRetention must be positive.")
            .Validate(options => options.FanOutParallelism is >= 1 and <= 256, "Events:FanOutParallelism must be between 1 and 256.")
            .ValidateOnStart();
        services.AddCodeRetention();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProjectionProgress>();
        services.TryAddSingleton(sp => new ChangeEventParser(NullIfEmpty(sp.GetRequiredService<IOptions<EventsOptions>>().Value.Source)));
        // Whatever store the host registers, the projector's user writes reach the instance's user observers (the caller cache).
        services.TryAddSingleton(sp => new Projector(
            sp.GetRequiredService<AuthCodes.ReadModel.ISnapshotStore>(),
            UserObservingViewStore.Wrap(sp.GetRequiredService<AuthCodes.ReadModel.IViewStore>(), sp.GetServices<IUserViewObserver>()),
            sp.GetRequiredService<TimeProvider>(),
            new ProjectionOptions
            {
                CodeGracePeriod = sp.GetRequiredService<IOptions<CodeRetentionOptions>>().Value.CodeGracePeriod,
                FanOutParallelism = sp.GetRequiredService<IOptions<EventsOptions>>().Value.FanOutParallelism,
            }));
        services.TryAddSingleton(sp => new ChangeEventIntake(
            sp.GetRequiredService<ChangeEventParser>(),
            sp.GetRequiredService<Projector>(),
            sp.GetRequiredService<IRejectedEventStore>(),
            sp.GetRequiredService<ISnapshotStore>(),
            sp.GetRequiredService<ProjectionProgress>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ChangeEventIntake>>())
        {
            RejectedEventRetention = sp.GetRequiredService<IOptions<EventsOptions>>().Value.RejectedEventRetention,
        });
        // The intake's spans and metrics join whatever OpenTelemetry providers the host builds (none: no cost).
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(ChangeEventIntake.ActivitySourceName));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(ChangeEventIntake.MeterName));
        return services;
    }

    /// <summary>For hosts that must not run without a configured source (the Functions app).</summary>
    public static IServiceCollection RequireEventSource(this IServiceCollection services)
    {
        services.AddOptions<EventsOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Source), "Events:Source (the publishing authentik's CloudEvents source) is required.");
        return services;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
