// Types shared by main.bicep and its modules.

@export()
@description('A principal granted a role: its object id and kind.')
type principal = {
  @description('Object (principal) id.')
  principalId: string

  @description('Kind of principal, set on the role assignment as principalType.')
  principalType: 'ServicePrincipal' | 'User' | 'Group'
}

@export()
@description('The app\'s own (non-secret) settings; the names of the app settings they become are in app/api.bicep.')
type appConfiguration = {
  @description('Authentication__Issuer: the authentik provider\'s issuer, e.g. https://auth.example.com/application/o/authcodes/.')
  authenticationIssuer: string

  @description('Authentication__Audience: client id of the API\'s own authentik provider.')
  authenticationAudience: string

  @description('Authentication__SubjectMode: the provider\'s sub_mode.')
  authenticationSubjectMode: string

  @description('Authentication__Introspection__Enabled.')
  introspectionEnabled: bool

  @description('Authentication__Introspection__ClientId.')
  introspectionClientId: string

  @description('Api__MaxPageSize.')
  maxPageSize: int

  @description('Events__Source: the one accepted CloudEvents source.')
  eventsSource: string

  @description('Events__CodeGracePeriod, as a .NET TimeSpan (hh:mm:ss).')
  codeGracePeriod: string
}

@export()
@description('Resource tags.')
type tagSet = {
  *: string
}

@export()
@description('Suffix of a Cosmos container pair (<id>-<suffix>, e.g. codes-v2); empty for the unsuffixed pair. Bicep cannot check a pattern: the authcodes CLI checks ^[a-z0-9][a-z0-9-]{0,31}$.')
@maxLength(32)
type containerSuffix = string
