using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AuthCodes.Infra.Tests;

/// <summary>The Flex Consumption app and its identity-based settings: every setting the code reads, no secrets.</summary>
public sealed partial class FunctionAppTests
{
    /// <summary>
    /// The settings the code reads (docs/functions.md, local.settings.sample.json) plus what Azure needs for the
    /// identity-based connections, and the Cosmos store's settings (CosmosStoreOptions, Store selection).
    /// </summary>
    private static readonly string[] RequiredSettings =
    [
        "Authentication__Issuer",
        "Authentication__Audience",
        "Authentication__SubjectMode",
        "Authentication__SharedSecret",
        "Authentication__Introspection__Enabled",
        "Authentication__Introspection__ClientId",
        "Authentication__Introspection__ClientSecret",
        "Api__MaxPageSize",
        "Events__Source",
        "Events__CodeGracePeriod",
        "ChangeEventsTopic",
        "ChangeEventsSubscription",
        "ServiceBusConnection__fullyQualifiedNamespace",
        "ServiceBusConnection__credential",
        "ServiceBusConnection__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AZURE_CLIENT_ID",
        "Store",
        "CosmosDb__accountEndpoint",
        "CosmosDb__credential",
        "CosmosDb__clientId",
        "Cosmos__Database",
        "Cosmos__CodesContainer",
        "Cosmos__EntitiesContainer",
    ];

    /// <summary>Sample settings that Flex Consumption provides otherwise, and how.</summary>
    private static readonly Dictionary<string, string> ProvidedOtherwise = new(StringComparer.Ordinal)
    {
        ["FUNCTIONS_WORKER_RUNTIME"] = "functionAppConfig.runtime.name (Flex rejects it as an app setting)",
        ["AzureWebJobsStorage"] = "the AzureWebJobsStorage__* identity-based settings",
    };

    private readonly InfraBuild infra = InfraBuild.Instance;

    private JsonObject AppSettings =>
        Assert.Single(infra.OfType("Microsoft.Web/sites/config"), config => config.Name.Contains("'appsettings'", StringComparison.Ordinal)).Properties;

    private JsonObject FunctionAppConfig => infra.Single("Microsoft.Web/sites").Properties["functionAppConfig"]!.AsObject();

    [Fact]
    public void Basic_publishing_credentials_and_ftp_are_disabled()
    {
        Assert.Equal("Disabled", (string?)infra.Single("Microsoft.Web/sites").Properties["siteConfig"]?["ftpsState"]);
        var policies = infra.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(
            ["[format('{0}/{1}', parameters('name'), 'ftp')]", "[format('{0}/{1}', parameters('name'), 'scm')]"],
            policies.Select(policy => policy.Name).Order(StringComparer.Ordinal));
        Assert.All(policies, policy => Assert.False((bool?)policy.Properties["allow"] ?? true));
    }

    [Fact]
    public void Every_setting_the_code_reads_is_set()
    {
        var settings = AppSettings;
        Assert.All(RequiredSettings, name => Assert.True(settings.ContainsKey(name), $"app setting {name} is missing"));
    }

    [Fact]
    public void Every_sample_setting_is_set_or_provided_otherwise()
    {
        var sample = JsonNode.Parse(infra.ReadRepositoryFile("local.settings.sample.json"))!["Values"]!.AsObject();
        Assert.All(sample.Select(pair => pair.Key), name =>
            Assert.True(RequiredSettings.Contains(name) || ProvidedOtherwise.ContainsKey(name), $"sample setting {name} is neither set by infra nor provided otherwise"));
        Assert.All(ProvidedOtherwise.Keys, name => Assert.False(AppSettings.ContainsKey(name), $"{name} must not be an app setting on Flex Consumption"));
    }

    [Fact]
    public void Connections_are_identity_based_with_the_user_assigned_identity()
    {
        var settings = AppSettings;
        foreach (var connection in new[] { "AzureWebJobsStorage", "ServiceBusConnection", "CosmosDb" })
        {
            Assert.Equal("managedidentity", (string?)settings[$"{connection}__credential"]);
            Assert.Equal("[parameters('identityClientId')]", (string?)settings[$"{connection}__clientId"]);
        }

        Assert.Equal("[parameters('identityClientId')]", (string?)settings["AZURE_CLIENT_ID"]);
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]", (string?)settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        var identity = infra.Single("Microsoft.Web/sites").Node["identity"]!;
        Assert.Equal("UserAssigned", (string?)identity["type"]);
    }

    [Fact]
    public void No_setting_carries_a_key_or_a_secret_connection_string()
    {
        foreach (var (name, value) in AppSettings)
        {
            var text = value?.ToString() ?? "";
            Assert.DoesNotContain("AccountKey=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessKey", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listConnectionStrings", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey=", text, StringComparison.OrdinalIgnoreCase);
            Assert.False(name.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) && name != "APPLICATIONINSIGHTS_CONNECTION_STRING", name);
        }

        // The one connection string is Application Insights': an identifier plus ingestion endpoint, useless
        // without an Entra token since local auth is disabled (see SecurityTests).
        Assert.Equal("[parameters('applicationInsightsConnectionString')]", (string?)AppSettings["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
    }

    [Fact]
    public void Runs_on_flex_consumption_with_the_projects_dotnet_version_isolated()
    {
        var plan = infra.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", (string?)plan.Node["sku"]?["tier"]);
        Assert.Equal("FC1", (string?)plan.Node["sku"]?["name"]);

        var runtime = FunctionAppConfig["runtime"]!;
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        var targetFramework = TargetFramework().Match(infra.ReadRepositoryFile("Directory.Build.props")).Groups[1].Value;
        Assert.Equal(targetFramework, (string?)runtime["version"]);
    }

    [Fact]
    public void Maximum_instance_count_is_a_deliberate_parameter()
    {
        Assert.Equal("[parameters('maximumInstanceCount')]", (string?)FunctionAppConfig["scaleAndConcurrency"]?["maximumInstanceCount"]);
        var parameter = infra.Template["parameters"]!["maximumInstanceCount"]!;
        Assert.Equal(40, (int?)parameter["defaultValue"]);
        Assert.Equal(40, (int?)parameter["minValue"]);
    }

    [Fact]
    public void Deployment_package_is_pulled_with_the_user_assigned_identity()
    {
        var storage = FunctionAppConfig["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", (string?)storage["type"]);
        Assert.Equal("UserAssignedIdentity", (string?)storage["authentication"]?["type"]);
        Assert.Equal("[parameters('identityId')]", (string?)storage["authentication"]?["userAssignedIdentityResourceId"]);
        Assert.True((bool?)infra.Single("Microsoft.Web/sites").Properties["httpsOnly"]);
    }

    [GeneratedRegex(@"<TargetFramework>net(\d+\.\d+)</TargetFramework>")]
    private static partial Regex TargetFramework();
}
