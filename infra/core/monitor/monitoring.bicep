// Log Analytics workspace and workspace-based Application Insights, both with local (key) auth
// disabled: telemetry is ingested only with an Entra token (the app's identity holds Monitoring
// Metrics Publisher, granted in app/rbac.bicep).
import { tagSet } from '../../types.bicep'

param logAnalyticsName string
param applicationInsightsName string
param location string
param tags tagSet = {}

@description('Days of retention in the workspace (30 is included in the ingestion price).')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-02-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
  }
}

output applicationInsightsId string = applicationInsights.id
output applicationInsightsName string = applicationInsights.name
// Not a credential: with local auth disabled the instrumentation key in it cannot ingest anything
// without an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING).
output applicationInsightsConnectionString string = applicationInsights.properties.ConnectionString
output logAnalyticsId string = workspace.id
