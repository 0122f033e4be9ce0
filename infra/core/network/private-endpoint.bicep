// One private endpoint, registered in its private DNS zone.
import { tagSet } from '../../types.bicep'

param name string
param location string
param tags tagSet = {}

@description('Subnet the endpoint gets its address from.')
param subnetId string

@description('The resource reached through the endpoint.')
param targetResourceId string

@description('Sub-resource: blob, table, Sql or namespace.')
param groupId string

param privateDnsZoneId string

resource privateEndpoint 'Microsoft.Network/privateEndpoints@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: {
      id: subnetId
    }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetResourceId
          groupIds: [ groupId ]
        }
      }
    ]
  }

  resource zoneGroup 'privateDnsZoneGroups' = {
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: groupId
          properties: {
            privateDnsZoneId: privateDnsZoneId
          }
        }
      ]
    }
  }
}
