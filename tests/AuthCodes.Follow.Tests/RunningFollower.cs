using AuthCodes.Publishing;


namespace AuthCodes.Follow.Tests;

/// <summary>A follower running in the background until stopped (standing for a killed process) or disposed.</summary>
internal sealed class RunningFollower : IAsyncDisposable
{
    public const string Source = "https://auth.example.com/";

    private readonly CancellationTokenSource stop = new();
    private readonly List<string> reports = [];

    public RunningFollower(FollowSettings settings, RecordingSink sink, FollowedEntities? followed = null)
    {
        Follower = new Follower(
            settings,
            new ChangeEventFactory(Source),
            sink,
            line =>
            {
                lock (reports)
                {
                    reports.Add(line);
                }
            },
            followed);
        Run = Task.Run(async () =>
        {
            try
            {
                await Follower.RunAsync(stop.Token);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                sink.Fault(exception);
                throw;
            }
        });
    }

    public Follower Follower { get; }

    public Task Run { get; }

    public string Reports
    {
        get
        {
            lock (reports)
            {
                return string.Join('\n', reports);
            }
        }
    }

    /// <summary>Stops it as a kill would: nothing more is sent or acknowledged on the way out.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        stop.Dispose();
    }
}
