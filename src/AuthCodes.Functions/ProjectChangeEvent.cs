using AuthCodes.Projection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Functions;

/// <summary>
/// The projector's Service Bus entry: one change event (a CloudEvent in structured JSON mode) per
/// message of the change-events topic subscription. The outcome decides the message's fate:
/// <list type="bullet">
/// <item>applied, ignored (stale or duplicate) and rejected (recorded in the rejected-events store by
/// the intake) return normally, so the host completes the message (<c>autoCompleteMessages</c>);</item>
/// <item>any exception (store timeout or throttling, a snapshot conflict after the projector's retries)
/// propagates, so the host abandons the message and Service Bus redelivers it, dead-lettering it after
/// the subscription's <c>MaxDeliveryCount</c>.</item>
/// </list>
/// Binds the body as a string and the message properties from the binding data only, so it runs
/// unchanged against the stand-in attribute and the official extension. No sessions.
/// </summary>
public sealed partial class ProjectChangeEvent(ChangeEventIntake intake, ILogger<ProjectChangeEvent> logger)
{
    [Function(nameof(ProjectChangeEvent))]
    public async Task RunAsync(
        // Completion on return is what this function's settlement relies on: declared here, not left to host.json.
        [ServiceBusTrigger("%ChangeEventsTopic%", "%ChangeEventsSubscription%", Connection = "ServiceBusConnection", AutoCompleteMessages = true)] string body,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bindingData = context.BindingContext.BindingData;
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["MessageId"] = Value(bindingData, "MessageId"),
            ["DeliveryCount"] = Value(bindingData, "DeliveryCount"),
            ["EnqueuedTimeUtc"] = Value(bindingData, "EnqueuedTimeUtc"),
        });

        var outcome = await intake.HandleAsync(BinaryData.FromString(body ?? ""), context.CancellationToken);
        if (outcome.Kind == OutcomeKind.Rejected)
        {
            LogCompletingRejected(logger, outcome.EventId);
        }
    }

    private static string? Value(IReadOnlyDictionary<string, object?> bindingData, string name) =>
        bindingData.TryGetValue(name, out var value) ? value?.ToString() : null;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Event {EventId} was recorded as rejected; its message completes and is not redelivered")]
    private static partial void LogCompletingRejected(ILogger logger, string? eventId);
}
