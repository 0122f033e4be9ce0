using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AuthCodes.Cli.Authentik;

/// <summary>How the tool talks to authentik: retries for transient failures, a request rate limit, a per-attempt timeout.</summary>
public sealed record AuthentikHttpSettings
{
    /// <summary>Retries after the first attempt for 5xx, 408, 429, timeouts and connection failures.</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>First backoff delay (exponential with jitter after that).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts, including a server's <c>Retry-After</c>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests per second at most (0: no limit).</summary>
    public double RequestsPerSecond { get; init; } = 5;
}

internal static class AuthentikHttp
{
    /// <summary>
    /// resilience (retry around a per-attempt timeout) → pacing → <paramref name="primary"/>. Each
    /// attempt, retries included, is paced, so a retry storm cannot exceed the rate limit.
    /// </summary>
    public static HttpClient CreateClient(
        Uri baseAddress, string token, HttpMessageHandler primary, AuthentikHttpSettings settings, TimeProvider time,
        Func<TimeSpan, CancellationToken, Task>? delay = null, TextWriter? log = null)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(settings.MaxRetries, 1),
            Delay = settings.RetryDelay,
            MaxDelay = settings.MaxRetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = settings.RetryDelay > TimeSpan.Zero,
            ShouldRetryAfterHeader = false,
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, settings.MaxRetryDelay)),
            OnRetry = args =>
            {
                var why = args.Outcome.Result is { } response ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : args.Outcome.Exception?.Message;
                log?.WriteLine($"  retry {args.AttemptNumber + 1} in {args.RetryDelay.TotalSeconds:0.###} s after {why}");
                return ValueTask.CompletedTask;
            },
        };
        if (settings.MaxRetries <= 0)
        {
            retry.ShouldHandle = _ => ValueTask.FromResult(false);
        }

        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(retry)
            .AddTimeout(settings.AttemptTimeout)
            .Build();
        var pacing = new PacingHandler(settings.RequestsPerSecond, time, delay) { InnerHandler = primary };
        var client = new HttpClient(new ResilienceHandler(pipeline) { InnerHandler = pacing })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        return client;
    }

    /// <summary>A 429's or 503's <c>Retry-After</c>, capped; null lets the exponential backoff decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        var wait = retryAfter.Delta ?? (retryAfter.Date is { } date && response.Headers.Date is { } now ? date - now : null);
        return wait is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, 0, max.Ticks)) : null;
    }
}

/// <summary>Spaces requests at least 1/rate apart (the rate limit); the wait goes through the injected clock.</summary>
internal sealed class PacingHandler : DelegatingHandler
{
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly Func<TimeSpan, CancellationToken, Task> delay;
    private readonly SemaphoreSlim gate = new(1, 1);
    private DateTimeOffset next = DateTimeOffset.MinValue;

    public PacingHandler(double requestsPerSecond, TimeProvider time, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        interval = requestsPerSecond > 0 ? TimeSpan.FromSeconds(1 / requestsPerSecond) : TimeSpan.Zero;
        this.time = time;
        this.delay = delay ?? ((wait, ct) => Task.Delay(wait, time, ct));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (interval > TimeSpan.Zero)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var now = time.GetUtcNow();
                if (next > now)
                {
                    await delay(next - now, cancellationToken);
                    now = next;
                }

                next = now + interval;
            }
            finally
            {
                gate.Release();
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gate.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>authentik answered with an error that retries did not cure (or that is not transient).</summary>
public sealed class AuthentikException(string message) : Exception(message);
