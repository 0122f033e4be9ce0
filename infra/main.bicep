// AuthCodes Functions on Azure: one `azd up` to a keyless, least-privilege deployment.
// One module per concern; docs/deploy.md describes what gets created and what it costs.
targetScope = 'subscription'

import { containerSuffix, principal } from 'types.bicep'

// ---- azd ---------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of every resource. Flex Consumption must be available there.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group name; empty for rg-<environmentName>.')
param resourceGroupName string = ''

// ---- the app's settings ------------------------------------------------------------------------

@description('Authentication__Issuer: the authentik provider\'s issuer, e.g. https://auth.example.com/application/o/authcodes/.')
param authenticationIssuer string

@description('Authentication__Audience: client id of the API\'s own authentik provider.')
param authenticationAudience string

@description('Authentication__SubjectMode: the provider\'s sub_mode.')
param authenticationSubjectMode string = 'hashed_user_id'

@description('Authentication__SharedSecret: only for providers without a signing key (HS256).')
@secure()
param authenticationSharedSecret string = ''

@description('Authentication__Introspection__Enabled: RFC 7662 introspection for revocation and scopes.')
param introspectionEnabled bool = false

@description('Authentication__Introspection__ClientId.')
param introspectionClientId string = ''

@description('Authentication__Introspection__ClientSecret.')
@secure()
param introspectionClientSecret string = ''

@description('Api__MaxPageSize: cap on page_size.')
@minValue(1)
param maxPageSize int = 1000

@description('Events__Source: the CloudEvents source of the one authentik install served, e.g. https://auth.example.com/.')
param eventsSource string

@description('Events__CodeGracePeriod: how long expired codes stay listed (hh:mm:ss).')
param codeGracePeriod string = '01:00:00'

// ---- Service Bus -------------------------------------------------------------------------------

@description('The change-events topic (ChangeEventsTopic).')
param changeEventsTopicName string = 'authcodes-change-events'

@description('The projector\'s subscription (ChangeEventsSubscription).')
param projectorSubscriptionName string = 'projector'

@description('Principals that publish change events (authentik hook, backfill jobs): Azure Service Bus Data Sender on the topic only.')
param publisherPrincipals principal[] = []

// ---- Cosmos DB ---------------------------------------------------------------------------------

@description('Cosmos__Database.')
param cosmosDatabaseName string = 'authcodes'

@description('serverless (default), provisioned or autoscale.')
@allowed([ 'serverless', 'provisioned', 'autoscale' ])
param cosmosThroughputMode string = 'serverless'

@description('RU/s when cosmosThroughputMode is provisioned.')
@minValue(400)
param cosmosProvisionedThroughput int = 400

@description('Maximum RU/s when cosmosThroughputMode is autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

// A rebuild without downtime (docs/deploy.md): create a second pair, fill it, switch to it.
@description('Suffix of the container pair the app uses: codes/entities when empty, else codes-<suffix>/entities-<suffix>. Lowercase letters, digits and \'-\', not starting with \'-\'.')
param cosmosContainerSuffix containerSuffix = ''

@description('Suffix of a second container pair, created for `authcodes rebuild` and not used by the app; empty for none. Lowercase letters, digits and \'-\', not starting with \'-\'.')
param cosmosRebuildContainerSuffix containerSuffix = ''

// ---- Function App ------------------------------------------------------------------------------

// 40, the lowest ceiling Flex Consumption accepts, on purpose. Scale-out is where projection
// parallelism comes from (one event at a time per instance, host.json), but every instance also
// writes to one Cosmos account: serverless caps its throughput, so instances beyond what Cosmos
// can absorb only turn into 429 retries, redeliveries and a bigger bill, never more throughput.
// 40 instances x 16 concurrent HTTP requests still serve far more list calls than authentik's own
// API does. Raise it (with provisioned/autoscale Cosmos throughput) only against a measured need.
@description('Flex Consumption scale-out ceiling (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Flex Consumption instance memory in MB.')
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int = 2048

// ---- access for the person running azd ---------------------------------------------------------

@description('Object id of the principal running azd (azd fills AZURE_PRINCIPAL_ID).')
param deployerPrincipalId string = ''

@description('Kind of that principal: User for a developer, ServicePrincipal for a pipeline.')
@allowed([ 'User', 'ServicePrincipal', 'Group' ])
param deployerPrincipalType string = 'User'

@description('Grant the deployer data access (Cosmos data contributor, Service Bus sender and receiver on the topic) for local development against the deployed resources.')
param grantDeployerAccess bool = false

// ---- network and alerts ------------------------------------------------------------------------

@description('Private endpoints for storage, Cosmos DB and Service Bus (Premium, required for them) and VNet integration of the Function App; public network access to those resources is then disabled.')
param enableNetworkIsolation bool = false

@description('Alert when the average projection lag over 15 minutes exceeds this many seconds.')
@minValue(1)
param projectionLagThresholdSeconds int = 300

@description('Email address notified by the alerts; empty for none.')
param alertEmailAddress string = ''

// ------------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var publicNetworkAccess = enableNetworkIsolation ? 'Disabled' : 'Enabled'
// Names are computed here (not read back from module outputs) so what-if can predict them.
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  hostStorage: '${abbrs.storageStorageAccounts}${resourceToken}'
  deploymentStorage: '${abbrs.storageStorageAccounts}pkg${resourceToken}'
  serviceBus: '${abbrs.serviceBusNamespaces}${resourceToken}'
  cosmos: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
  plan: '${abbrs.webServerFarms}${resourceToken}'
  vnet: '${abbrs.networkVirtualNetworks}${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-11-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity/user-assigned-identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'core/monitor/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

// The Functions host's own storage (AzureWebJobsStorage: locks, keys, diagnostic events).
module hostStorage 'core/storage/storage-account.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    name: names.hostStorage
    location: location
    tags: tags
    publicNetworkAccess: publicNetworkAccess
  }
}

// Flex Consumption's deployment package, in an account of its own so the app's write access to
// it is one container, not an account it shares with anything else.
module deploymentStorage 'core/storage/storage-account.bicep' = {
  name: 'deployment-storage'
  scope: rg
  params: {
    name: names.deploymentStorage
    location: location
    tags: tags
    containerNames: [ deploymentContainerName ]
    publicNetworkAccess: publicNetworkAccess
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    topicName: changeEventsTopicName
    subscriptionName: projectorSubscriptionName
    sku: enableNetworkIsolation ? 'Premium' : 'Standard'
    publicNetworkAccess: publicNetworkAccess
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: names.cosmos
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    throughputMode: cosmosThroughputMode
    provisionedThroughput: cosmosProvisionedThroughput
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    publicNetworkAccess: publicNetworkAccess
    activeContainerSuffix: cosmosContainerSuffix
    rebuildContainerSuffix: cosmosRebuildContainerSuffix
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  // It names the resources it grants on (what-if can predict them), so it waits for them explicitly.
  dependsOn: [ hostStorage, deploymentStorage, serviceBus, cosmos, monitoring ]
  params: {
    // Role assignment names are guid(scope, principalId, roleId); the principal id exists only once
    // the identity does, so what-if cannot predict these names before the first deployment.
    #disable-next-line what-if-short-circuiting
    appPrincipalId: identity.outputs.principalId
    hostStorageAccountName: names.hostStorage
    deploymentStorageAccountName: names.deploymentStorage
    deploymentContainerName: deploymentContainerName
    serviceBusNamespaceName: names.serviceBus
    topicName: changeEventsTopicName
    subscriptionName: projectorSubscriptionName
    cosmosAccountName: names.cosmos
    cosmosDatabaseName: cosmosDatabaseName
    applicationInsightsName: names.applicationInsights
    publisherPrincipals: publisherPrincipals
    deployerPrincipal: grantDeployerAccess && !empty(deployerPrincipalId)
      ? { principalId: deployerPrincipalId, principalType: deployerPrincipalType }
      : null
  }
}

module network 'core/network/network.bicep' = if (enableNetworkIsolation) {
  name: 'network'
  scope: rg
  params: {
    name: names.vnet
    location: location
    tags: tags
  }
}

// Static list (names, groups); the ids are looked up per entry from the modules' outputs.
var privateEndpointTargets = [
  { name: 'host-blob', target: 'hostStorage', groupId: 'blob', zone: 'blob' }
  { name: 'host-table', target: 'hostStorage', groupId: 'table', zone: 'table' }
  { name: 'package-blob', target: 'deploymentStorage', groupId: 'blob', zone: 'blob' }
  { name: 'cosmos', target: 'cosmos', groupId: 'Sql', zone: 'cosmosSql' }
  { name: 'servicebus', target: 'serviceBus', groupId: 'namespace', zone: 'serviceBus' }
]

module privateEndpoints 'core/network/private-endpoint.bicep' = [for endpoint in privateEndpointTargets: if (enableNetworkIsolation) {
  name: 'pep-${endpoint.name}'
  scope: rg
  params: {
    name: '${abbrs.networkPrivateEndpoints}${resourceToken}-${endpoint.name}'
    location: location
    tags: tags
    subnetId: network!.outputs.privateEndpointSubnetId
    targetResourceId: {
      hostStorage: hostStorage.outputs.id
      deploymentStorage: deploymentStorage.outputs.id
      cosmos: cosmos.outputs.id
      serviceBus: serviceBus.outputs.id
    }[endpoint.target]
    groupId: endpoint.groupId
    privateDnsZoneId: {
      blob: network!.outputs.blobZoneId
      table: network!.outputs.tableZoneId
      cosmosSql: network!.outputs.cosmosSqlZoneId
      serviceBus: network!.outputs.serviceBusZoneId
    }[endpoint.zone]
  }
}]

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  // The host must find its storage roles in place when it first starts.
  dependsOn: [ rbac, privateEndpoints ]
  params: {
    name: functionAppName
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentStorageBlobEndpoint: deploymentStorage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    hostStorageBlobEndpoint: hostStorage.outputs.blobEndpoint
    hostStorageTableEndpoint: hostStorage.outputs.tableEndpoint
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    changeEventsTopic: serviceBus.outputs.topicName
    changeEventsSubscription: serviceBus.outputs.subscriptionName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    cosmosCodesContainerName: cosmos.outputs.codesContainerName
    cosmosEntitiesContainerName: cosmos.outputs.entitiesContainerName
    configuration: {
      authenticationIssuer: authenticationIssuer
      authenticationAudience: authenticationAudience
      authenticationSubjectMode: authenticationSubjectMode
      introspectionEnabled: introspectionEnabled
      introspectionClientId: introspectionClientId
      maxPageSize: maxPageSize
      eventsSource: eventsSource
      codeGracePeriod: codeGracePeriod
    }
    authenticationSharedSecret: authenticationSharedSecret
    introspectionClientSecret: introspectionClientSecret
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    virtualNetworkSubnetId: enableNetworkIsolation ? network!.outputs.appSubnetId : ''
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    namePrefix: resourceToken
    location: location
    tags: tags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    serviceBusNamespaceId: serviceBus.outputs.id
    topicName: serviceBus.outputs.topicName
    lagThresholdSeconds: projectionLagThresholdSeconds
    alertEmailAddress: alertEmailAddress
  }
}

// ---- outputs: azd stores them in the environment; infra/hooks/postprovision.sh writes
// local.settings.json from them (the setting each one becomes is named beside it). ---------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = 'https://${api.outputs.defaultHostName}'

output AUTHENTICATION_ISSUER string = authenticationIssuer // Authentication__Issuer
output AUTHENTICATION_AUDIENCE string = authenticationAudience // Authentication__Audience
output AUTHENTICATION_SUBJECT_MODE string = authenticationSubjectMode // Authentication__SubjectMode
output AUTHENTICATION_INTROSPECTION_ENABLED bool = introspectionEnabled // Authentication__Introspection__Enabled
output AUTHENTICATION_INTROSPECTION_CLIENT_ID string = introspectionClientId // Authentication__Introspection__ClientId
output API_MAX_PAGE_SIZE int = maxPageSize // Api__MaxPageSize
output EVENTS_SOURCE string = eventsSource // Events__Source
output EVENTS_CODE_GRACE_PERIOD string = codeGracePeriod // Events__CodeGracePeriod
output CHANGE_EVENTS_TOPIC string = serviceBus.outputs.topicName // ChangeEventsTopic
output CHANGE_EVENTS_SUBSCRIPTION string = serviceBus.outputs.subscriptionName // ChangeEventsSubscription
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace // ServiceBusConnection__fullyQualifiedNamespace
output COSMOS_ACCOUNT_ENDPOINT string = cosmos.outputs.endpoint // CosmosDb__accountEndpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName // Cosmos__Database
output COSMOS_CODES_CONTAINER string = cosmos.outputs.codesContainerName // Cosmos__CodesContainer
output COSMOS_ENTITIES_CONTAINER string = cosmos.outputs.entitiesContainerName // Cosmos__EntitiesContainer
output COSMOS_REBUILD_CODES_CONTAINER string = cosmos.outputs.rebuildCodesContainerName // empty unless COSMOS_REBUILD_CONTAINER_SUFFIX is set
output COSMOS_REBUILD_ENTITIES_CONTAINER string = cosmos.outputs.rebuildEntitiesContainerName
