// Least-privilege role assignments, all data-plane roles at the narrowest scope that works:
//
//   app identity -> Storage Blob Data Owner        on the deployment container only (Flex pulls its package)
//   app identity -> Storage Blob Data Owner        on the host storage account      (AzureWebJobsStorage, per the Functions docs)
//   app identity -> Storage Table Data Contributor on the host storage account      (host diagnostic events, per the Functions docs)
//   app identity -> Azure Service Bus Data Receiver on the projector's subscription (never Owner; see below)
//   app identity -> Monitoring Metrics Publisher   on Application Insights          (Entra ingestion, local auth off)
//   app identity -> Cosmos DB Built-in Data Contributor (SQL role) on the read model's database only
//   publishers   -> Azure Service Bus Data Sender   on the change-events topic only
//   deployer     -> (optional) Cosmos data contributor on the database, Service Bus sender and receiver on the topic
//
// Each assignment is named guid(scope, principalId, roleId), so redeploying is idempotent and two
// principals or scopes never collide.
import { principal } from '../types.bicep'

@description('Principal id of the app\'s user-assigned identity.')
param appPrincipalId string

param hostStorageAccountName string
param deploymentStorageAccountName string
param deploymentContainerName string
param serviceBusNamespaceName string
param topicName string

@description('The projector\'s subscription on the topic: the only entity the app receives from.')
param subscriptionName string

param cosmosAccountName string

@description('The read model\'s database: the narrowest scope a Cosmos SQL role assignment takes that covers both container pairs.')
param cosmosDatabaseName string
param applicationInsightsName string

@description('Principals that publish change events: Azure Service Bus Data Sender on the topic only.')
param publisherPrincipals principal[] = []

@description('The developer or pipeline running azd, for local development against the deployed resources; null for none.')
param deployerPrincipal principal?

// Built-in role definition ids (the same in every tenant).
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'
// Cosmos DB Built-in Data Contributor: a Cosmos SQL role definition, not an Azure RBAC role.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

resource hostStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: hostStorageAccountName
}

resource deploymentStorage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: deploymentStorageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource deploymentContainer 'containers' existing = {
      name: deploymentContainerName
    }
  }
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName

  resource topic 'topics' existing = {
    name: topicName

    resource projectorSubscription 'subscriptions' existing = {
      name: subscriptionName
    }
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' existing = {
  name: cosmosAccountName
}

// A Cosmos SQL role assignment's scope is a data-plane path: the account, '/dbs/<db>' or '/dbs/<db>/colls/<c>'.
// The database covers the active and the rebuild container pair, and nothing else on the account.
var cosmosDatabaseScope = '${cosmos.id}/dbs/${cosmosDatabaseName}'

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource appDeploymentContainerBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: deploymentStorage::blobService::deploymentContainer
  name: guid(deploymentStorage::blobService::deploymentContainer.id, appPrincipalId, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appHostStorageBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appHostStorageTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: hostStorage
  name: guid(hostStorage.id, appPrincipalId, storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Receiver on the subscription, not the topic: Azure RBAC inherits from a topic to its subscriptions,
// so a topic-scope grant would also let the app read every other consumer's subscription on it. The
// scale controller reads message counts with the app's identity; without a Manage claim (Data Owner,
// refused here) it scales on what it can observe without counts (trade-off in docs/deploy.md).
resource appSubscriptionReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: serviceBus::topic::projectorSubscription
  name: guid(serviceBus::topic::projectorSubscription.id, appPrincipalId, serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: applicationInsights
  name: guid(applicationInsights.id, appPrincipalId, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Cosmos SQL role assignments have no principalType property: the data plane resolves the principal itself.
resource appCosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = {
  parent: cosmos
  name: guid(cosmosDatabaseScope, appPrincipalId, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: appPrincipalId
    scope: cosmosDatabaseScope
  }
}

resource publisherTopicSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for publisher in publisherPrincipals: {
  scope: serviceBus::topic
  name: guid(serviceBus::topic.id, publisher.principalId, serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: publisher.principalId
    principalType: publisher.principalType
  }
}]

resource deployerCosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-04-15' = if (deployerPrincipal != null) {
  parent: cosmos
  name: guid(cosmosDatabaseScope, deployerPrincipal.?principalId ?? '', cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: deployerPrincipal.?principalId ?? ''
    scope: cosmosDatabaseScope
  }
}

resource deployerTopicReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (deployerPrincipal != null) {
  scope: serviceBus::topic
  name: guid(serviceBus::topic.id, deployerPrincipal.?principalId ?? '', serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
    principalId: deployerPrincipal.?principalId ?? ''
    principalType: deployerPrincipal.?principalType ?? 'User'
  }
}

resource deployerTopicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (deployerPrincipal != null) {
  scope: serviceBus::topic
  name: guid(serviceBus::topic.id, deployerPrincipal.?principalId ?? '', serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: deployerPrincipal.?principalId ?? ''
    principalType: deployerPrincipal.?principalType ?? 'User'
  }
}
