using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// The official attribute's namespace, so function code compiles unchanged against either assembly.
#pragma warning disable IDE0130
namespace Microsoft.Azure.Functions.Worker;
#pragma warning restore IDE0130

/// <summary>
/// The public shape of the official <c>ServiceBusTriggerAttribute</c> (constructor parameter names and
/// settable properties become the binding's metadata), without its converters.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    public ServiceBusTriggerAttribute(string queueName) => QueueName = queueName;

    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    /// <summary>The app setting prefix of the Service Bus connection (identity-based settings included).</summary>
    public string? Connection { get; set; }

    public string? QueueName { get; }

    public string? TopicName { get; }

    public string? SubscriptionName { get; }

    public bool IsSessionsEnabled { get; set; }

    [DefaultValue(true)]
    public bool AutoCompleteMessages { get; set; } = true;

    [DefaultValue(false)]
    public bool IsBatched { get; set; }

    Cardinality ISupportCardinality.Cardinality
    {
        get => IsBatched ? Cardinality.Many : Cardinality.One;
        set => IsBatched = value == Cardinality.Many;
    }
}
