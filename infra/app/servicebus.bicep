// The change-events topic and the projector's subscription (see docs/functions.md and docs/events.md).
import { tagSet } from '../types.bicep'

param name string
param location string
param tags tagSet = {}

@description('Topic the publishers send change events to (app setting ChangeEventsTopic).')
param topicName string

@description('The projector\'s subscription on the topic (app setting ChangeEventsSubscription).')
param subscriptionName string

@description('Standard is enough (topics, duplicate detection); Premium is required for private endpoints.')
@allowed([ 'Standard', 'Premium' ])
param sku string = 'Standard'

@allowed([ 'Enabled', 'Disabled' ])
param publicNetworkAccess string = 'Enabled'

@description('Message time-to-live; must equal the projection\'s retention of versions and tombstones (docs/events.md).')
param messageTimeToLive string = 'P14D'

@description('Redeliveries before Service Bus dead-letters a message that keeps failing transiently.')
param maxDeliveryCount int = 10

@description('Peek-lock duration; the Functions host renews it while an invocation runs, so this only bounds how long a crashed instance\'s message stays invisible.')
param lockDuration string = 'PT1M'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    tier: sku
    capacity: sku == 'Premium' ? 1 : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
  }

  resource topic 'topics' = {
    name: topicName
    properties: {
      // Publishers set MessageId to the CloudEvent id, so a resent event within the window is
      // dropped by the broker (the projector would ignore it anyway; this saves the invocation).
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      defaultMessageTimeToLive: messageTimeToLive
      enableBatchedOperations: true
      supportOrdering: false
    }

    resource projector 'subscriptions' = {
      name: subscriptionName
      properties: {
        // Entity versions make arrival order irrelevant; sessions would only cap parallelism.
        requiresSession: false
        maxDeliveryCount: maxDeliveryCount
        lockDuration: lockDuration
        defaultMessageTimeToLive: messageTimeToLive
        deadLetteringOnMessageExpiration: true
        deadLetteringOnFilterEvaluationExceptions: true
        enableBatchedOperations: true
      }
    }
  }
}

output id string = namespace.id
output name string = namespace.name
output topicName string = namespace::topic.name
output subscriptionName string = namespace::topic::projector.name
// https://<name>.servicebus.windows.net:443/ -> <name>.servicebus.windows.net (any cloud's suffix).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '://')[1], ':')[0]
