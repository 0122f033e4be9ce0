using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// The official attribute's namespace, so function code compiles unchanged against either assembly.
#pragma warning disable IDE0130
namespace Microsoft.Azure.Functions.Worker;
#pragma warning restore IDE0130

/// <summary>
/// The public surface of the official <c>ServiceBusTriggerAttribute</c> of
/// Microsoft.Azure.Functions.Worker.Extensions.ServiceBus 5.24.0: the same constructors, properties,
/// property attributes and defaults, so the worker SDK writes the same <c>functions.metadata</c>
/// (ServiceBusTriggerSurfaceTests holds it to a recorded description of the official one). Only the
/// class-level converter attributes are left out: their converter lives in the official package, and
/// the projector binds the body as a string, which needs no converter.
/// </summary>
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

    [DefaultValue(false)]
    public bool IsBatched { get; set; }

    /// <summary>Unset, the host's <c>autoCompleteMessages</c> (host.json) decides; the official attribute has no default either.</summary>
    public bool AutoCompleteMessages { get; set; }

    Cardinality ISupportCardinality.Cardinality
    {
        get => IsBatched ? Cardinality.Many : Cardinality.One;
        set => IsBatched = value == Cardinality.Many;
    }
}
