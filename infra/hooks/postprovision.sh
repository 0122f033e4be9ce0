#!/bin/sh
# azd postprovision hook: writes local.settings.json (repository root, beside host.json) from the
# deployment's outputs, which azd passes to hooks as environment variables. The file is for
# `func start` against the deployed Service Bus and Cosmos DB with your own `az login` identity
# (grant it access with GRANT_DEPLOYER_ACCESS=true), so no __credential/__clientId is written:
# locally the connections use the developer credential. Secrets are left empty to fill in by hand.
# An existing local.settings.json is kept as local.settings.json.bak.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/local.settings.json"

# JSON string literal of $1 (backslash, quote and control characters escaped).
json() {
  printf '%s' "$1" | awk 'BEGIN { ORS = ""; print "\"" }
    { gsub(/\\/, "\\\\&"); gsub(/"/, "\\\\&"); gsub(/\t/, "\\\\t"); gsub(/\r/, "\\\\r"); if (NR > 1) print "\\n"; print }
    END { print "\"" }'
}

setting() {
  # $1 = setting name, $2 = value; every line but the last ends with a comma (added by the caller).
  printf '    %s: %s' "$(json "$1")" "$(json "$2")"
}

if [ -f "$target" ]; then
  cp "$target" "$target.bak"
fi

{
  echo '{'
  echo '  "IsEncrypted": false,'
  echo '  "Values": {'
  setting FUNCTIONS_WORKER_RUNTIME dotnet-isolated; echo ','
  setting AzureWebJobsStorage UseDevelopmentStorage=true; echo ','
  setting Authentication__Issuer "${AUTHENTICATION_ISSUER:-}"; echo ','
  setting Authentication__Audience "${AUTHENTICATION_AUDIENCE:-}"; echo ','
  setting Authentication__SubjectMode "${AUTHENTICATION_SUBJECT_MODE:-hashed_user_id}"; echo ','
  setting Authentication__SharedSecret ""; echo ','
  setting Authentication__Introspection__Enabled "${AUTHENTICATION_INTROSPECTION_ENABLED:-false}"; echo ','
  setting Authentication__Introspection__ClientId "${AUTHENTICATION_INTROSPECTION_CLIENT_ID:-}"; echo ','
  setting Authentication__Introspection__ClientSecret ""; echo ','
  setting Api__MaxPageSize "${API_MAX_PAGE_SIZE:-1000}"; echo ','
  setting Events__Source "${EVENTS_SOURCE:-}"; echo ','
  setting Events__CodeGracePeriod "${EVENTS_CODE_GRACE_PERIOD:-01:00:00}"; echo ','
  setting ChangeEventsTopic "${CHANGE_EVENTS_TOPIC:-}"; echo ','
  setting ChangeEventsSubscription "${CHANGE_EVENTS_SUBSCRIPTION:-}"; echo ','
  setting ServiceBusConnection__fullyQualifiedNamespace "${SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE:-}"; echo ','
  setting Store "cosmos"; echo ','
  setting CosmosDb__accountEndpoint "${COSMOS_ACCOUNT_ENDPOINT:-}"; echo ','
  # Empty: locally the store authenticates as the developer (DefaultAzureCredential), not as the app's identity.
  setting CosmosDb__clientId ""; echo ','
  setting Cosmos__Database "${COSMOS_DATABASE:-}"; echo ','
  setting Cosmos__CodesContainer "${COSMOS_CODES_CONTAINER:-}"; echo ','
  setting Cosmos__EntitiesContainer "${COSMOS_ENTITIES_CONTAINER:-}"; echo
  echo '  }'
  echo '}'
} > "$target.tmp"
mv "$target.tmp" "$target"

echo "postprovision: wrote $target from the deployment outputs"
