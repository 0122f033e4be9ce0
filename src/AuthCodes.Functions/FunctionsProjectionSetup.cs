using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Functions;

/// <summary>The <c>Events</c> settings section as the Functions app reads it.</summary>
internal sealed class EventsSettings
{
    public const string SectionName = "Events";

    /// <summary>The one CloudEvents <c>source</c> accepted (the publishing authentik install); required here.</summary>
    public string? Source { get; set; }

    /// <summary>How long a code outlives its expiry in the store; older code events are ignored.</summary>
    public TimeSpan CodeGracePeriod { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// The projection core for the Functions app: parser, projector (one per instance: it applies events
/// one at a time), progress and the intake the Service Bus function calls. Unlike the local host, the
/// deployed app accepts exactly one source and refuses to start without it.
/// </summary>
internal static class FunctionsProjectionSetup
{
    public static IServiceCollection AddChangeEventProjectionForFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(EventsSettings.SectionName).Get<EventsSettings>() ?? new EventsSettings();
        if (string.IsNullOrWhiteSpace(settings.Source))
        {
            throw new InvalidOperationException(
                "The setting Events:Source (app setting Events__Source) is required: the CloudEvents source of the one authentik "
                + "install this read model serves, e.g. https://auth.example.com/. Events from any other source are rejected.");
        }

        if (settings.CodeGracePeriod < TimeSpan.Zero)
        {
            throw new InvalidOperationException("The setting Events:CodeGracePeriod must not be negative.");
        }

        var options = new ProjectionOptions { CodeGracePeriod = settings.CodeGracePeriod };
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new ChangeEventParser(settings.Source));
        services.AddSingleton(provider => new Projector(
            provider.GetRequiredService<IReadModelStore>(), provider.GetRequiredService<TimeProvider>(), options));
        services.AddSingleton<ProjectionProgress>();
        services.AddSingleton<ChangeEventIntake>();
        return services;
    }
}
