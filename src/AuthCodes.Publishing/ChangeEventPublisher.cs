using Azure.Messaging.ServiceBus;

namespace AuthCodes.Publishing;

/// <summary>
/// Sends change events to a Service Bus topic per the contract: body = the CloudEvent JSON,
/// <c>ContentType</c> = <c>application/cloudevents+json</c>, <c>MessageId</c> = the event id
/// (duplicate detection), <c>Subject</c> = the event type, no <c>SessionId</c>. Events are packed
/// into <see cref="ServiceBusMessageBatch"/>es; a batch is sent as a whole, so each event's status is
/// its batch's. A failed batch does not stop the others (events are order-independent); every event
/// ends with a status in the report, none is dropped silently.
/// </summary>
public sealed class ChangeEventPublisher(ServiceBusSender sender) : IChangeEventSink
{
    public static ServiceBusMessage ToMessage(PublishableEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ServiceBusMessage(BinaryData.FromString(e.Json))
        {
            MessageId = e.Id,
            ContentType = CloudEventContentTypes.Single,
            Subject = e.Type,
        };
    }

    public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new PublishResult?[events.Count];
        var inBatch = new List<int>();
        ServiceBusMessageBatch? batch = null;
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var message = ToMessage(events[i]);
                batch ??= await sender.CreateMessageBatchAsync(cancellationToken);
                if (batch.TryAddMessage(message))
                {
                    inBatch.Add(i);
                    continue;
                }

                if (inBatch.Count > 0)
                {
                    await SendAsync(batch, inBatch, events, results, cancellationToken);
                    batch.Dispose();
                    batch = await sender.CreateMessageBatchAsync(cancellationToken);
                    if (batch.TryAddMessage(message))
                    {
                        inBatch.Add(i);
                        continue;
                    }
                }

                results[i] = new PublishResult(events[i], PublishStatus.Failed,
                    $"Too large for one Service Bus message (the batch limit is {batch.MaxSizeInBytes} bytes); not sent.");
            }

            if (batch is not null && inBatch.Count > 0)
            {
                await SendAsync(batch, inBatch, events, results, cancellationToken);
            }
        }
        catch (Exception exception)
        {
            // A batch could not even be created (unreachable namespace, refused credential, missing
            // topic), or the run was cancelled between batches: what was not sent is reported as such,
            // since the report is the caller's only account of each event.
            var reason = exception is OperationCanceledException ? "Cancelled before it was sent." : $"Not sent: {PublishResult.OneLine(exception)}";
            for (var i = 0; i < events.Count; i++)
            {
                results[i] ??= new PublishResult(events[i], PublishStatus.NotSent, reason);
            }
        }
        finally
        {
            batch?.Dispose();
        }

        return new PublishReport([.. results.Select((r, i) => r ?? new PublishResult(events[i], PublishStatus.NotSent, "Not sent."))]);
    }

    private async Task SendAsync(
        ServiceBusMessageBatch batch, List<int> inBatch, IReadOnlyList<PublishableEvent> events, PublishResult?[] results, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendMessagesAsync(batch, cancellationToken);
            foreach (var i in inBatch)
            {
                results[i] = new PublishResult(events[i], PublishStatus.Sent);
            }
        }
        catch (Exception exception)
        {
            var reason = exception is OperationCanceledException
                ? "Cancelled while its batch was being sent; it may or may not have arrived (sending it again is safe)."
                : $"Its batch of {inBatch.Count} failed; it may or may not have arrived (sending it again is safe): {PublishResult.OneLine(exception)}";
            foreach (var i in inBatch)
            {
                results[i] = new PublishResult(events[i], PublishStatus.Failed, reason);
            }

            if (exception is OperationCanceledException)
            {
                throw;
            }
        }
        finally
        {
            inBatch.Clear();
        }
    }
}
