using AuthCodes.Follow;
using AuthCodes.Projection;
using AuthCodes.Publishing;
using Microsoft.Extensions.Options;

namespace AuthCodes.LocalHost;

/// <summary>
/// With <c>Follow:Postgres</c> set, the local host follows authentik's PostgreSQL itself and applies
/// the events through its own intake (no broker). The embedded store starts empty, so every start,
/// and every reconnect, begins with a fresh snapshot from a temporary slot, never from a kept position;
/// what was followed before a reconnect and is missing from its snapshot is deleted.
/// </summary>
internal sealed partial class InProcessFollower(
    IOptions<InProcessFollowOptions> options, IOptions<EventsOptions> events, ChangeEventIntake intake, ILogger<InProcessFollower> logger) : BackgroundService
{
    /// <summary>The source the events carry when <c>Events:Source</c> is unset (the intake then accepts any).</summary>
    public const string DefaultSource = "urn:authcodes:follow";

    private readonly FollowedEntities followed = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = new FollowSettings(options.Value.Postgres!, $"authcodes_localhost_{Guid.NewGuid():N}", options.Value.Publication)
        {
            TemporarySlot = true,
            CreatePublication = options.Value.CreatePublication,
        };
        var source = string.IsNullOrWhiteSpace(events.Value.Source) ? DefaultSource : events.Value.Source;
        while (!stoppingToken.IsCancellationRequested)
        {
            var follower = new Follower(settings, new ChangeEventFactory(source), new IntakeSink(intake), line => LogProgress(logger, line), followed);
            try
            {
                await follower.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (FollowSetupException exception)
            {
                LogSetup(logger, exception.Message);
                return;
            }
            catch (Exception exception)
            {
                LogRestart(logger, exception);
                await Task.Delay(options.Value.RestartDelay, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "follow: {Line}")]
    private static partial void LogProgress(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "follow stopped: {Remedy}")]
    private static partial void LogSetup(ILogger logger, string remedy);

    [LoggerMessage(Level = LogLevel.Warning, Message = "follow lost its connection; starting again from a fresh snapshot")]
    private static partial void LogRestart(ILogger logger, Exception exception);
}

/// <summary>The <c>Follow</c> section: <c>Postgres</c> (an Npgsql connection string) turns the in-process follower on.</summary>
internal sealed class InProcessFollowOptions
{
    public const string SectionName = "Follow";

    public string? Postgres { get; set; }

    public string Publication { get; set; } = FollowSettings.DefaultPublication;

    public bool CreatePublication { get; set; }

    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(5);
}

internal static class InProcessFollowerExtensions
{
    /// <summary>Adds the follower when <c>Follow:Postgres</c> is set; nothing otherwise.</summary>
    public static IServiceCollection AddInProcessFollowerWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(InProcessFollowOptions.SectionName);
        if (string.IsNullOrWhiteSpace(section[nameof(InProcessFollowOptions.Postgres)]))
        {
            return services;
        }

        services.Configure<InProcessFollowOptions>(section);
        return services.AddHostedService<InProcessFollower>();
    }
}
