// Alerts on the projection's own metrics, which the Functions worker exports with the Azure Monitor
// OpenTelemetry exporter (AuthCodes.Projection's meter). Each export interval writes one customMetrics
// row per instrument and attribute set: name = the instrument's name, valueSum = a counter's delta or a
// histogram's sum, valueCount = a histogram's count (1 for a counter), customDimensions = the attributes:
//   authcodes.projection.lag     seconds from an event's 'time' to its application (histogram)
//   authcodes.projection.events  events by outcome (counter; dimension 'outcome': applied, ignored, rejected)
// and on the subscription's dead-letter queue. Log search alerts, because the outcome dimension of
// a custom metric is only alertable as a metric when 'custom metric dimensions' is switched on in
// Application Insights, which a template cannot do.
import { tagSet } from '../types.bicep'

param namePrefix string
param location string
param tags tagSet = {}

param applicationInsightsId string
param serviceBusNamespaceId string
param topicName string

@description('Average projection lag, in seconds over 15 minutes, above which to alert.')
@minValue(1)
param lagThresholdSeconds int

@description('Email address notified by the alerts; empty to create the alerts without notification.')
param alertEmailAddress string = ''

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('authcodes', 12)
    enabled: true
    emailReceivers: [
      {
        name: 'operators'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = empty(alertEmailAddress) ? [] : [ actionGroup.id ]

resource projectionLag 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'sqr-${namePrefix}-projection-lag'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'AuthCodes projection lag'
    description: 'Average authcodes.projection.lag above ${lagThresholdSeconds} s over 15 minutes: the projector falls behind the publishers (throttled store, too few instances, a backlog or a backfill of old events). Check the topic subscription\'s active message count and the function\'s failures.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    scopes: [ applicationInsightsId ]
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "authcodes.projection.lag" | summarize lagSeconds = sum(valueSum) / sum(valueCount)'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'lagSeconds'
          operator: 'GreaterThan'
          threshold: lagThresholdSeconds
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

resource rejectedEvents 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'sqr-${namePrefix}-rejected-events'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'AuthCodes rejected change events'
    description: 'At least one change event was rejected (authcodes.projection.events with outcome rejected): a publisher broke the contract. The event is recorded in the rejected-events store and can be replayed after a fix.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    scopes: [ applicationInsightsId ]
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "authcodes.projection.events" and tostring(customDimensions.outcome) == "rejected" | summarize rejected = sum(valueSum)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'rejected'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'ma-${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'Messages in the change-events topic\'s dead-letter queues: events that kept failing transiently for MaxDeliveryCount deliveries, or expired. Inspect and resubmit them.'
    severity: 2
    enabled: true
    scopes: [ serviceBusNamespaceId ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [ topicName ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    autoMitigate: true
    actions: [for id in actionGroups: { actionGroupId: id }]
  }
}
