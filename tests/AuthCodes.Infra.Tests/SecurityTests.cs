namespace AuthCodes.Infra.Tests;

/// <summary>No local (key) auth anywhere, no shared keys, no Owner roles.</summary>
public sealed class SecurityTests
{
    private const string ServiceBusDataOwner = "090c5cfd-751d-490a-894a-3ce6f1109419";
    private const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

    private readonly InfraBuild infra = InfraBuild.Instance;

    [Fact]
    public void Cosmos_account_disables_local_auth_and_key_based_metadata_writes()
    {
        var account = infra.Single("Microsoft.DocumentDB/databaseAccounts");
        Assert.True((bool?)account.Properties["disableLocalAuth"]);
        Assert.True((bool?)account.Properties["disableKeyBasedMetadataWriteAccess"]);
    }

    [Fact]
    public void Service_bus_namespace_disables_local_auth()
    {
        var serviceBus = infra.Single("Microsoft.ServiceBus/namespaces");
        Assert.True((bool?)serviceBus.Properties["disableLocalAuth"]);
    }

    [Fact]
    public void Application_insights_and_log_analytics_disable_local_auth()
    {
        Assert.True((bool?)infra.Single("Microsoft.Insights/components").Properties["DisableLocalAuth"]);
        Assert.True((bool?)infra.Single("Microsoft.OperationalInsights/workspaces").Properties["features"]?["disableLocalAuth"]);
    }

    [Fact]
    public void Storage_accounts_refuse_shared_keys_and_public_blobs()
    {
        var accounts = infra.OfType("Microsoft.Storage/storageAccounts").ToList();
        Assert.NotEmpty(accounts);
        Assert.All(accounts, account =>
        {
            Assert.False((bool?)account.Properties["allowSharedKeyAccess"] ?? true);
            Assert.False((bool?)account.Properties["allowBlobPublicAccess"] ?? true);
        });
    }

    [Fact]
    public void No_owner_role_appears_anywhere_in_the_template()
    {
        var compiled = infra.Template.ToJsonString();
        Assert.DoesNotContain(ServiceBusDataOwner, compiled, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Owner, compiled, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Network_isolation_is_off_by_default_and_guards_the_network_resources()
    {
        Assert.False((bool?)infra.Template["parameters"]?["enableNetworkIsolation"]?["defaultValue"]);
        var networkModules = infra.Resources.Where(resource => resource.Module == "main"
            && resource.Type == "Microsoft.Resources/deployments"
            && (resource.Symbol == "network" || resource.Symbol == "privateEndpoints")).ToList();
        Assert.Equal(2, networkModules.Count);
        Assert.All(networkModules, module => Assert.Contains("parameters('enableNetworkIsolation')", module.Condition, StringComparison.Ordinal));
        Assert.All(infra.OfType("Microsoft.Network/privateEndpoints"), endpoint => Assert.Equal("privateEndpoints", endpoint.Module));
    }
}
