// The one user-assigned managed identity the app uses for everything: host storage, deployment
// package, Service Bus, Cosmos DB and Application Insights ingestion.
import { tagSet } from '../../types.bicep'

@description('Name of the identity.')
param name string

param location string
param tags tagSet = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
