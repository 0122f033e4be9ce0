// The read model's Cosmos DB account, database and container(s). Key-based auth is off: the app
// and developers use Entra ID with the Built-in Data Contributor SQL role (app/rbac.bicep).
import { containerSuffix, tagSet } from '../types.bicep'

param accountName string
param location string
param tags tagSet = {}

@description('Database name (app setting Cosmos__Database).')
param databaseName string

@description('serverless (default: pay per request, nothing at idle), provisioned (manual RU/s) or autoscale (max RU/s), set on the database and shared by its containers.')
@allowed([ 'serverless', 'provisioned', 'autoscale' ])
param throughputMode string = 'serverless'

@description('RU/s when throughputMode is provisioned.')
@minValue(400)
param provisionedThroughput int = 400

@description('Maximum RU/s when throughputMode is autoscale.')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

@allowed([ 'Enabled', 'Disabled' ])
param publicNetworkAccess string = 'Enabled'

@description('The pair the app uses (app settings Cosmos__CodesContainer, Cosmos__EntitiesContainer).')
param activeContainerSuffix containerSuffix = ''

@description('A second pair that `authcodes rebuild` fills while the app keeps serving the active one; empty for none.')
param rebuildContainerSuffix containerSuffix = ''

// The app's shared definition of the containers (partition key, indexing policy, TTL): the Cosmos
// store's CosmosContainerDefinition written as ARM resource bodies (a Cosmos test keeps the file equal
// to the code), so start-up provisioning/verification and this template cannot drift.
var definitions = loadJsonContent('../../src/AuthCodes.Cosmos/cosmos-containers.json')

var databaseOptions = throughputMode == 'autoscale'
  ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  : throughputMode == 'provisioned' ? { throughput: provisionedThroughput } : {}

// Every pair that must exist: the active one and the one being rebuilt (union() keeps one when they
// are equal). Switching the active suffix deletes nothing: incremental deployments leave the old
// pair in place until an operator deletes it (docs/deploy.md).
var suffixes = union([ activeContainerSuffix ], empty(rebuildContainerSuffix) ? [] : [ rebuildContainerSuffix ])
var containerBodies = flatten(map(suffixes, suffix => map(items(definitions), definition =>
  union(definition.value, { id: containerName(definition.value.id, suffix) }))))

// The same rule as the CLI's `authcodes rebuild --suffix`, so both name the same containers.
func containerName(id string, suffix string) string => empty(suffix) ? id : '${id}-${suffix}'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: throughputMode == 'serverless' ? [ { name: 'EnableServerless' } ] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: publicNetworkAccess
    enableAutomaticFailover: false
    enableFreeTier: false
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    options: databaseOptions
  }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = [for body in containerBodies: {
  parent: database
  name: body.id
  properties: {
    // The file's body unchanged but for id: it holds the container resource exactly as ARM takes it.
    resource: body
  }
}]

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
// App settings Cosmos__CodesContainer and Cosmos__EntitiesContainer.
output codesContainerName string = containerName(definitions.codes.id, activeContainerSuffix)
output entitiesContainerName string = containerName(definitions.entities.id, activeContainerSuffix)
// For `authcodes rebuild`; empty when no pair is being rebuilt.
output rebuildCodesContainerName string = empty(rebuildContainerSuffix) ? '' : containerName(definitions.codes.id, rebuildContainerSuffix)
output rebuildEntitiesContainerName string = empty(rebuildContainerSuffix) ? '' : containerName(definitions.entities.id, rebuildContainerSuffix)
