using Azure.Messaging.ServiceBus;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AuthCodes.Publishing.Tests;

/// <summary>The publisher over a substituted <see cref="ServiceBusSender"/> whose batches hold a fixed number of messages.</summary>
public sealed class ChangeEventPublisherTests
{
    private readonly ServiceBusSender sender = Substitute.For<ServiceBusSender>();
    private readonly List<List<ServiceBusMessage>> batches = [];
    private readonly List<List<ServiceBusMessage>> sent = [];

    public ChangeEventPublisherTests() => BatchesOf(10);

    private void BatchesOf(int capacity, Func<ServiceBusMessage, bool>? fits = null)
    {
        sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var store = new List<ServiceBusMessage>();
            batches.Add(store);
            return ServiceBusModelFactory.ServiceBusMessageBatch(
                256 * 1024, store, tryAddCallback: m => store.Count < capacity && (fits?.Invoke(m) ?? true));
        });
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            sent.Add([.. batches[^1]]);
            return Task.CompletedTask;
        });
    }

    private static IReadOnlyList<PublishableEvent> Events(int count)
    {
        var factory = TestEvents.Factory();
        return [.. Enumerable.Range(1, count).Select(i => factory.Saved(TestEvents.Code(9000 + i), (ulong)(1000 + i)))];
    }

    [Fact]
    public async Task Sets_message_id_content_type_and_subject_per_the_contract_and_no_session()
    {
        var events = TestEvents.OnePerEntity(TestEvents.Factory());

        var report = await new ChangeEventPublisher(sender).PublishAsync(events, CancellationToken.None);

        Assert.True(report.AllSent);
        var messages = Assert.Single(sent);
        Assert.Equal(events.Count, messages.Count);
        foreach (var (message, e) in messages.Zip(events))
        {
            Assert.Equal(e.Id, message.MessageId);
            Assert.Equal("application/cloudevents+json", message.ContentType);
            Assert.Equal(e.Type, message.Subject);
            Assert.Null(message.SessionId);
            Assert.Null(message.PartitionKey);
            Assert.Equal(e.Json, message.Body.ToString());
        }
    }

    [Fact]
    public async Task Spreads_events_over_as_many_batches_as_needed_in_order()
    {
        BatchesOf(3);
        var events = Events(8);

        var report = await new ChangeEventPublisher(sender).PublishAsync(events, CancellationToken.None);

        Assert.True(report.AllSent);
        Assert.Equal([3, 3, 2], sent.Select(b => b.Count));
        Assert.Equal(events.Select(e => e.Id), sent.SelectMany(b => b).Select(m => m.MessageId));
        await sender.Received(3).SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Reports_the_events_of_a_failed_batch_as_failed_and_still_sends_the_others()
    {
        BatchesOf(3);
        var calls = 0;
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (++calls == 2)
            {
                throw new ServiceBusException("The service was unable to process the request.", ServiceBusFailureReason.ServiceBusy);
            }

            sent.Add([.. batches[^1]]);
            return Task.CompletedTask;
        });
        var events = Events(8);

        var report = await new ChangeEventPublisher(sender).PublishAsync(events, CancellationToken.None);

        Assert.False(report.AllSent);
        Assert.Equal(8, report.Results.Count);
        Assert.Equal(
            [PublishStatus.Sent, PublishStatus.Sent, PublishStatus.Sent, PublishStatus.Failed, PublishStatus.Failed, PublishStatus.Failed, PublishStatus.Sent, PublishStatus.Sent],
            report.Results.Select(r => r.Status));
        Assert.All(report.Results.Where(r => r.Status == PublishStatus.Failed), r =>
        {
            Assert.Contains("unable to process", r.Detail, StringComparison.Ordinal);
            Assert.Contains("may or may not have arrived", r.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(events.Select(e => e.Id), report.Results.Select(r => r.Event.Id));
    }

    [Fact]
    public async Task Reports_an_event_too_large_for_any_batch_without_losing_its_neighbours()
    {
        BatchesOf(10, fits: m => m.MessageId != "evt-0002");
        var events = Events(3);

        var report = await new ChangeEventPublisher(sender).PublishAsync(events, CancellationToken.None);

        Assert.Equal([PublishStatus.Sent, PublishStatus.Failed, PublishStatus.Sent], report.Results.Select(r => r.Status));
        Assert.Contains("Too large", report.Results[1].Detail, StringComparison.Ordinal);
        Assert.Equal(["evt-0001", "evt-0003"], sent.SelectMany(b => b).Select(m => m.MessageId));
    }

    [Fact]
    public async Task Reports_every_event_as_not_sent_when_no_batch_can_be_created()
    {
        sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>())
            .ThrowsAsync(new UnauthorizedAccessException("Unauthorized access. 'Send' claim(s) are required."));

        var report = await new ChangeEventPublisher(sender).PublishAsync(Events(4), CancellationToken.None);

        Assert.All(report.Results, r =>
        {
            Assert.Equal(PublishStatus.NotSent, r.Status);
            Assert.Contains("'Send' claim", r.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(4, report.Results.Count);
    }

    [Fact]
    public async Task Reports_a_cancelled_batch_as_failed_and_the_rest_as_not_sent()
    {
        BatchesOf(2);
        using var cancellation = new CancellationTokenSource();
        var calls = 0;
        sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            if (++calls == 2)
            {
                cancellation.Cancel();
                throw new OperationCanceledException(cancellation.Token);
            }

            return Task.CompletedTask;
        });

        var report = await new ChangeEventPublisher(sender).PublishAsync(Events(6), cancellation.Token);

        Assert.Equal(
            [PublishStatus.Sent, PublishStatus.Sent, PublishStatus.Failed, PublishStatus.Failed, PublishStatus.NotSent, PublishStatus.NotSent],
            report.Results.Select(r => r.Status));
    }
}
