using System.Text;
using AuthCodes.Publishing;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace AuthCodes.Cli;

/// <summary>Where <c>publish</c>, <c>backfill</c> and <c>sync</c> send events: <c>--to servicebus</c>, <c>--to http://host:port</c> or <c>--out file</c>.</summary>
internal sealed record SinkSettings(string? To, string? Out, string? Namespace, string? ConnectionString, string? Topic, string? IntakeKey)
{
    public const string ConnectionStringVariable = "AUTHCODES_SERVICEBUS_CONNECTION_STRING";

    public string Describe() => Out is not null ? $"file {Out}" : To == "servicebus" ? $"Service Bus topic {Topic}" : $"intake {To}";
}

/// <summary>Appends events to a JSON Lines file (flushed per call), ready for <c>authcodes publish</c> later.</summary>
internal sealed class JsonLinesFileSink(string path) : IChangeEventSink
{
    /// <summary>Readable by its owner only from the moment it exists: provider events carry client secrets.</summary>
    private static readonly FileStreamOptions Options = OwnerOnly(new() { Mode = FileMode.Append, Access = FileAccess.Write });

    private static FileStreamOptions OwnerOnly(FileStreamOptions options)
    {
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var e in events)
        {
            text.Append(e.Json).Append('\n');
        }

        await using var file = new FileStream(path, Options);
        await file.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken);
        return new PublishReport([.. events.Select(e => new PublishResult(e, PublishStatus.Sent, "written"))]);
    }
}

/// <summary>A Service Bus sender and the client it came from, disposed together.</summary>
internal sealed class ServiceBusSink(ServiceBusSender sender, IAsyncDisposable? owner) : IChangeEventSink, IAsyncDisposable
{
    private readonly ChangeEventPublisher publisher = new(sender);

    public Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken) =>
        publisher.PublishAsync(events, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await sender.DisposeAsync();
        if (owner is not null)
        {
            await owner.DisposeAsync();
        }
    }

    /// <summary>A connection string (option, file or environment variable) wins; otherwise the namespace with the ambient Azure identity.</summary>
    public static ServiceBusSink Create(SinkSettings settings)
    {
        var client = settings.ConnectionString is { } connectionString
            ? new ServiceBusClient(connectionString)
            : new ServiceBusClient(settings.Namespace, new DefaultAzureCredential());
        return new ServiceBusSink(client.CreateSender(settings.Topic), client);
    }
}
