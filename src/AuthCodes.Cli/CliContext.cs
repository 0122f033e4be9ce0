using AuthCodes.Cli.Authentik;
using Azure.Messaging.ServiceBus;

namespace AuthCodes.Cli;

/// <summary>Everything the commands touch outside themselves; tests replace the parts they fake.</summary>
public sealed class CliContext
{
    public TextReader In { get; init; } = Console.In;

    public TextWriter Out { get; init; } = Console.Out;

    public TextWriter Error { get; init; } = Console.Error;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reads environment variables (secrets among them).</summary>
    public Func<string, string?> Variables { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Reaches authentik (default: a new socket handler).</summary>
    public HttpMessageHandler? AuthentikHandler { get; init; }

    /// <summary>Reaches a local host's intake (default: a new socket handler).</summary>
    public HttpMessageHandler? IntakeHandler { get; init; }

    /// <summary>Makes the sender for <c>--to servicebus</c> (default: a client from the connection string or the ambient identity).</summary>
    public Func<string, ServiceBusSender>? ServiceBusSenderFactory { get; init; }

    /// <summary>Extra Cosmos client options for <c>rebuild</c> (tests against the local protocol server); none in production.</summary>
    public Action<Microsoft.Azure.Cosmos.CosmosClientOptions>? ConfigureCosmosClient { get; init; }

    /// <summary>Retry delays and timeouts; the command line sets the retry count and rate on top.</summary>
    public AuthentikHttpSettings Http { get; init; } = new();

    /// <summary>How the rate limiter waits (default: <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>).</summary>
    public Func<TimeSpan, CancellationToken, Task>? PacingDelay { get; init; }
}

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad usage or configuration (System.CommandLine's parse errors too).</summary>
    public const int Usage = 1;

    /// <summary>The input has invalid events (line-numbered on the output); nothing was sent.</summary>
    public const int InvalidInput = 2;

    /// <summary>Some events were not sent, failed or were rejected (each one is listed).</summary>
    public const int NotAllSent = 3;

    /// <summary>authentik could not be read (after retries).</summary>
    public const int AuthentikFailed = 4;

    /// <summary><c>rebuild</c>: the target containers could not be prepared (missing, different, unreachable).</summary>
    public const int StoreFailed = 5;
}
