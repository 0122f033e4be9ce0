// The Function App on Flex Consumption (.NET 10 isolated worker) and its app settings. Every
// connection is identity-based through the one user-assigned identity: no keys, no connection
// strings with secrets (the Application Insights connection string carries only an identifier,
// and ingestion requires the Entra token named by APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
import { appConfiguration, tagSet } from '../types.bicep'

param name string
param planName string
param location string
param tags tagSet = {}

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Client id of the user-assigned identity (the __clientId settings, AZURE_CLIENT_ID).')
param identityClientId string

@description('Blob endpoint of the deployment storage account, e.g. https://<account>.blob.core.windows.net/.')
param deploymentStorageBlobEndpoint string

@description('Container holding the deployment package.')
param deploymentContainerName string

@description('Blob and table endpoints of the host storage account (AzureWebJobsStorage).')
param hostStorageBlobEndpoint string
param hostStorageTableEndpoint string

param applicationInsightsConnectionString string
param serviceBusFullyQualifiedNamespace string
param changeEventsTopic string
param changeEventsSubscription string
param cosmosEndpoint string
param cosmosDatabaseName string
param cosmosCodesContainerName string
param cosmosEntitiesContainerName string

@description('The app\'s own settings (authentication, API, events).')
param configuration appConfiguration

@description('The authentik provider\'s client secret, only for providers without a signing key (HS256).')
@secure()
param authenticationSharedSecret string = ''

@description('Client secret for RFC 7662 introspection.')
@secure()
param introspectionClientSecret string = ''

@description('Flex Consumption scale-out ceiling (see main.bicep for the reason of the default).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Instance memory: 512, 2048 or 4096 MB.')
@allowed([ 512, 2048, 4096 ])
param instanceMemoryMB int

@description('Subnet (delegated to Microsoft.App/environments) for VNet integration; empty for none.')
param virtualNetworkSubnetId string = ''

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: {
      minTlsVersion: '1.2'
      // Deployment goes through the identity (azd, OneDeploy); FTP(S) and basic auth are never needed.
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${deploymentStorageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex sets the worker runtime here; FUNCTIONS_WORKER_RUNTIME is not allowed as an app setting.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Functions host storage through the identity (roles: Storage Blob Data Owner and Storage
      // Table Data Contributor on the host storage account, as the Functions docs list them).
      AzureWebJobsStorage__blobServiceUri: hostStorageBlobEndpoint
      AzureWebJobsStorage__tableServiceUri: hostStorageTableEndpoint
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId

      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'

      // DefaultAzureCredential (and any code without an explicit client id) picks the identity from here.
      AZURE_CLIENT_ID: identityClientId

      Authentication__Issuer: configuration.authenticationIssuer
      Authentication__Audience: configuration.authenticationAudience
      Authentication__SubjectMode: configuration.authenticationSubjectMode
      Authentication__SharedSecret: authenticationSharedSecret
      Authentication__Introspection__Enabled: string(configuration.introspectionEnabled)
      Authentication__Introspection__ClientId: configuration.introspectionClientId
      Authentication__Introspection__ClientSecret: introspectionClientSecret
      Api__MaxPageSize: string(configuration.maxPageSize)
      Events__Source: configuration.eventsSource
      Events__CodeGracePeriod: configuration.codeGracePeriod

      ChangeEventsTopic: changeEventsTopic
      ChangeEventsSubscription: changeEventsSubscription
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId

      // The Cosmos store reads the endpoint and client id from the Functions identity convention (CosmosDb__*).
      Store: 'cosmos'
      CosmosDb__accountEndpoint: cosmosEndpoint
      CosmosDb__credential: 'managedidentity'
      CosmosDb__clientId: identityClientId
      Cosmos__Database: cosmosDatabaseName
      Cosmos__CodesContainer: cosmosCodesContainerName
      Cosmos__EntitiesContainer: cosmosEntitiesContainerName
    }
  }
}

// No publishing with basic (user name and password) credentials, for FTP nor for the SCM (Kudu) site.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
