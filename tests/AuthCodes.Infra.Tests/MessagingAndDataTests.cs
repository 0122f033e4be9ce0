using System.Text.Json.Nodes;
using System.Xml;

namespace AuthCodes.Infra.Tests;

/// <summary>Service Bus entities as the projector needs them; Cosmos DB from the shared container definition.</summary>
public sealed class MessagingAndDataTests
{
    private readonly InfraBuild infra = InfraBuild.Instance;

    [Fact]
    public void Topic_detects_duplicates()
    {
        var topic = infra.Single("Microsoft.ServiceBus/namespaces/topics");
        Assert.True((bool?)topic.Properties["requiresDuplicateDetection"]);
        Assert.NotNull((string?)topic.Properties["duplicateDetectionHistoryTimeWindow"]);
    }

    [Fact]
    public void Projector_subscription_has_no_sessions_and_dead_letters_expired_and_failing_messages()
    {
        var subscription = infra.Single("Microsoft.ServiceBus/namespaces/topics/subscriptions");
        Assert.False((bool?)subscription.Properties["requiresSession"] ?? true);
        Assert.True((bool?)subscription.Properties["deadLetteringOnMessageExpiration"]);
        Assert.Equal("[parameters('maxDeliveryCount')]", (string?)subscription.Properties["maxDeliveryCount"]);
        Assert.Equal("[parameters('lockDuration')]", (string?)subscription.Properties["lockDuration"]);

        var parameters = subscription.Template["parameters"]!;
        Assert.Equal(10, (int?)parameters["maxDeliveryCount"]?["defaultValue"]);
        // docs/functions.md: a lock duration of one minute or more (the host renews it while a call runs).
        Assert.True(XmlConvert.ToTimeSpan((string)parameters["lockDuration"]!["defaultValue"]!) >= TimeSpan.FromMinutes(1));
        // docs/events.md: the time-to-live equals the projection's retention of versions (14 days).
        Assert.Equal(TimeSpan.FromDays(14), XmlConvert.ToTimeSpan((string)parameters["messageTimeToLive"]!["defaultValue"]!));
    }

    [Fact]
    public void Cosmos_is_serverless_by_default_with_provisioned_and_autoscale_as_options()
    {
        var mode = infra.Template["parameters"]!["cosmosThroughputMode"]!;
        Assert.Equal("serverless", (string?)mode["defaultValue"]);
        Assert.Equal(["serverless", "provisioned", "autoscale"], mode["allowedValues"]!.AsArray().Select(value => (string?)value));
        var account = infra.Single("Microsoft.DocumentDB/databaseAccounts");
        Assert.Contains("EnableServerless", account.Properties["capabilities"]?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cosmos_containers_are_exactly_the_stores_shared_definition()
    {
        // The Cosmos store's CosmosContainerDefinition as ARM bodies; a Cosmos test keeps this file equal to the code.
        // ContainerSuffixTests checks on snapshots that each deployed body is the file's (id suffixed, if asked).
        var file = JsonNode.Parse(infra.ReadRepositoryFile("src", "AuthCodes.Cosmos", "cosmos-containers.json"))!;
        var container = infra.Single("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        Assert.Equal(["codes", "entities"], file.AsObject().Select(pair => (string?)pair.Value!["id"]));
        var loaded = container.Template["variables"]!.AsObject().Select(pair => pair.Value).OfType<JsonObject>();
        Assert.Contains(loaded, value => JsonNode.DeepEquals(value, file));
    }
}
