using System.Text.RegularExpressions;

namespace AuthCodes.Infra.Tests;

/// <summary>Least privilege: exactly the roles issue 5 lists, each at its scope, named guid(scope, principalId, roleId).</summary>
public sealed partial class RoleAssignmentTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    private const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    private const string CosmosBuiltInDataContributor = "00000000-0000-0000-0000-000000000002";

    private const string AppPrincipal = "parameters('appPrincipalId')";
    private const string PublisherPrincipal = "parameters('publisherPrincipals')[copyIndex()].principalId";
    private const string DeployerPrincipal = "coalesce(tryGet(parameters('deployerPrincipal'), 'principalId'), '')";

    private const string DeploymentContainerScope = "Microsoft.Storage/storageAccounts/blobServices/containers";
    private const string StorageAccountScope = "resourceId('Microsoft.Storage/storageAccounts', parameters('hostStorageAccountName'))";
    private const string TopicScope = "Microsoft.ServiceBus/namespaces/topics";
    private const string SubscriptionScope = "resourceId('Microsoft.ServiceBus/namespaces/topics/subscriptions', parameters('serviceBusNamespaceName'), parameters('topicName'), parameters('subscriptionName'))";
    private const string ApplicationInsightsScope = "Microsoft.Insights/components";

    private readonly InfraBuild infra = InfraBuild.Instance;

    private IReadOnlyList<Grant> Grants => infra.OfType("Microsoft.Authorization/roleAssignments").Select(Grant.Of).ToList();

    [Fact]
    public void Azure_role_assignments_are_exactly_the_listed_ones()
    {
        var expected = new[]
        {
            (StorageBlobDataOwner, AppPrincipal, DeploymentContainerScope),
            (StorageBlobDataOwner, AppPrincipal, StorageAccountScope),
            (StorageTableDataContributor, AppPrincipal, StorageAccountScope),
            (ServiceBusDataReceiver, AppPrincipal, SubscriptionScope),
            (MonitoringMetricsPublisher, AppPrincipal, ApplicationInsightsScope),
            (ServiceBusDataSender, PublisherPrincipal, TopicScope),
            (ServiceBusDataReceiver, DeployerPrincipal, TopicScope),
            (ServiceBusDataSender, DeployerPrincipal, TopicScope),
        };

        var grants = Grants;
        Assert.Equal(expected.Length, grants.Count);
        foreach (var (role, principal, scope) in expected)
        {
            Assert.Single(grants, grant => grant.RoleId == role && grant.Principal == principal && grant.Scope.Contains(scope, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Storage_blob_data_owner_is_granted_on_the_deployment_container_and_the_host_storage_account_only()
    {
        var blobOwners = Grants.Where(grant => grant.RoleId == StorageBlobDataOwner).ToList();
        Assert.Equal(2, blobOwners.Count);
        Assert.Single(blobOwners, grant => grant.Scope.Contains(DeploymentContainerScope, StringComparison.Ordinal)
            && grant.Scope.Contains("parameters('deploymentStorageAccountName')", StringComparison.Ordinal)
            && grant.Scope.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal));
        Assert.Single(blobOwners, grant => grant.Scope == StorageAccountScope);
    }

    [Fact]
    public void Service_bus_roles_are_scoped_to_the_topic_and_the_app_only_receives_from_its_subscription()
    {
        var serviceBusGrants = Grants.Where(grant => grant.RoleId is ServiceBusDataReceiver or ServiceBusDataSender).ToList();
        Assert.All(serviceBusGrants, grant => Assert.Contains(TopicScope, grant.Scope, StringComparison.Ordinal));
        var appGrant = Assert.Single(serviceBusGrants, grant => grant.Principal == AppPrincipal);
        Assert.Equal(SubscriptionScope, appGrant.Scope);
        Assert.DoesNotContain(serviceBusGrants, grant => grant.Principal == AppPrincipal && grant.RoleId == ServiceBusDataSender);
        var publisherGrant = Assert.Single(serviceBusGrants, grant => grant.Principal == PublisherPrincipal);
        Assert.Equal(ServiceBusDataSender, publisherGrant.RoleId);
        Assert.Equal("[parameters('publisherPrincipals')[copyIndex()].principalType]", publisherGrant.PrincipalType);
    }

    [Fact]
    public void Every_azure_role_assignment_is_named_guid_of_scope_principal_and_role_and_has_a_principal_type()
    {
        Assert.All(Grants, grant =>
        {
            Assert.Equal($"[guid({grant.Scope}, {grant.Principal}, {grant.RoleExpression})]", grant.Name);
            Assert.False(string.IsNullOrEmpty(grant.PrincipalType), $"{grant.Name} has no principalType");
        });
    }

    [Fact]
    public void Deployer_assignments_exist_only_behind_the_parameter()
    {
        var deployer = infra.Resources.Where(resource => resource.Symbol.StartsWith("deployer", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, deployer.Count);
        Assert.All(deployer, resource => Assert.Equal("[not(equals(parameters('deployerPrincipal'), null()))]", resource.Condition));
        Assert.False((bool?)infra.Template["parameters"]?["grantDeployerAccess"]?["defaultValue"]);
    }

    [Fact]
    public void Cosmos_built_in_data_contributor_is_a_sql_role_assignment_at_database_scope()
    {
        var assignments = infra.OfType("Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();
        Assert.Equal(2, assignments.Count);
        Assert.All(assignments, assignment =>
        {
            var scope = ArmResource.ExpressionBody((string?)assignment.Properties["scope"] ?? "");
            var role = (string?)assignment.Properties["roleDefinitionId"] ?? "";
            var principal = ArmResource.ExpressionBody((string?)assignment.Properties["principalId"] ?? "");
            Assert.Equal("variables('cosmosDatabaseScope')", scope);
            Assert.Equal(
                "[format('{0}/dbs/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), parameters('cosmosDatabaseName'))]",
                (string?)assignment.Template["variables"]?["cosmosDatabaseScope"]);
            Assert.Equal("[format('{0}/sqlRoleDefinitions/{1}', resourceId('Microsoft.DocumentDB/databaseAccounts', parameters('cosmosAccountName')), variables('cosmosDataContributor'))]", role);
            Assert.Equal(CosmosBuiltInDataContributor, assignment.ResolveVariable(role));
            Assert.Equal($"[format('{{0}}/{{1}}', parameters('cosmosAccountName'), guid({scope}, {principal}, variables('cosmosDataContributor')))]", assignment.Name);
        });
        Assert.Single(assignments, assignment => (string?)assignment.Properties["principalId"] == $"[{AppPrincipal}]");
    }

    private sealed partial record Grant(string Name, string Scope, string Principal, string PrincipalType, string RoleExpression, string RoleId)
    {
        public static Grant Of(ArmResource resource)
        {
            var roleDefinition = (string?)resource.Properties["roleDefinitionId"] ?? "";
            var roleExpression = RoleDefinition().Match(roleDefinition) is { Success: true } match ? match.Groups[1].Value : roleDefinition;
            return new Grant(
                resource.Name,
                ArmResource.ExpressionBody(resource.Scope ?? ""),
                ArmResource.ExpressionBody((string?)resource.Properties["principalId"] ?? ""),
                (string?)resource.Properties["principalType"] ?? "",
                roleExpression,
                resource.ResolveVariable(roleExpression));
        }

        [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', (.+)\)\]$")]
        private static partial Regex RoleDefinition();
    }
}
