using AuthCodes.Cli;

namespace AuthCodes.Cli.Tests;

/// <summary>Runs <c>authcodes</c> in-process and captures what it prints.</summary>
internal sealed class Cli
{
    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public TextReader In { get; init; } = TextReader.Null;

    public HttpMessageHandler? AuthentikHandler { get; init; }

    public HttpMessageHandler? IntakeHandler { get; init; }

    public Func<string, Azure.Messaging.ServiceBus.ServiceBusSender>? ServiceBus { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The environment variables the tool sees (none of the test process's own).</summary>
    public Dictionary<string, string> Variables { get; } = [];

    public Action<Microsoft.Azure.Cosmos.CosmosClientOptions>? ConfigureCosmos { get; init; }

    public List<TimeSpan> PacingWaits { get; } = [];

    /// <summary>Stands for Ctrl+C.</summary>
    public CancellationToken Stop { get; init; }

    public async Task<int> RunAsync(params string[] args)
    {
        var context = new CliContext
        {
            In = In,
            Out = Out,
            Error = Error,
            Time = Time,
            Variables = name => Variables.GetValueOrDefault(name),
            AuthentikHandler = AuthentikHandler,
            IntakeHandler = IntakeHandler,
            ServiceBusSenderFactory = ServiceBus,
            ConfigureCosmosClient = ConfigureCosmos,
            Http = new() { RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero },
            PacingDelay = (wait, _) =>
            {
                lock (PacingWaits)
                {
                    PacingWaits.Add(wait);
                }

                return Task.CompletedTask;
            },
        };
        return await new CliApp(context).RunAsync(args, Stop);
    }
}

/// <summary>A temporary folder for input, output and state files.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "authcodes-cli-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, IEnumerable<string> lines)
    {
        var path = File(name);
        System.IO.File.WriteAllLines(path, lines);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
