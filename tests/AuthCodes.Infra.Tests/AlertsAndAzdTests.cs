using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AuthCodes.Infra.Tests;

/// <summary>Alerts on the projection's metrics, and the azd layout (azure.yaml, parameters, postprovision hook).</summary>
public sealed partial class AlertsAndAzdTests
{
    private readonly InfraBuild infra = InfraBuild.Instance;

    [Fact]
    public void Alerts_watch_projection_lag_and_rejected_events()
    {
        var queries = infra.OfType("Microsoft.Insights/scheduledQueryRules")
            .Select(rule => rule.Properties["criteria"]!["allOf"]![0]!["query"]!.ToString())
            .ToList();
        // The customMetrics rows the Azure Monitor exporter writes for AuthCodes.Projection's instruments (the shape
        // AuthCodes.Functions.Tests pins): the lag histogram's mean over rows of sums and counts, the counter's deltas.
        Assert.Single(queries, query => query.Contains("\"authcodes.projection.lag\"", StringComparison.Ordinal)
            && query.Contains("sum(valueSum) / sum(valueCount)", StringComparison.Ordinal));
        Assert.Single(queries, query => query.Contains("\"authcodes.projection.events\"", StringComparison.Ordinal)
            && query.Contains("customDimensions.outcome) == \"rejected\"", StringComparison.Ordinal)
            && query.Contains("sum(valueSum)", StringComparison.Ordinal));
        Assert.Single(infra.OfType("Microsoft.Insights/metricAlerts"), alert => alert.Properties.ToJsonString().Contains("DeadletteredMessages", StringComparison.Ordinal));
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_project_as_service_api()
    {
        var yaml = infra.ReadRepositoryFile("azure.yaml");
        Assert.Matches(@"(?m)^services:\s*\n  api:\s*\n    project: \./src/AuthCodes\.Functions/?\s*\n    language: dotnet\s*\n    host: function\s*$", yaml);
        Assert.Contains("run: ./infra/hooks/postprovision.sh", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(infra.RepositoryRoot, "src", "AuthCodes.Functions", "AuthCodes.Functions.csproj")));
    }

    [Fact]
    public void Parameters_file_sets_only_parameters_that_main_declares_and_every_required_one()
    {
        var file = JsonNode.Parse(infra.ReadRepositoryFile("infra", "main.parameters.json"))!["parameters"]!.AsObject();
        var declared = infra.Template["parameters"]!.AsObject();
        Assert.All(file.Select(pair => pair.Key), name => Assert.True(declared.ContainsKey(name), $"{name} is not a parameter of main.bicep"));
        var required = declared.Where(pair => pair.Value!["defaultValue"] is null && pair.Value["nullable"] is null).Select(pair => pair.Key);
        Assert.All(required, name => Assert.True(file.ContainsKey(name), $"required parameter {name} is not in main.parameters.json"));
    }

    [Fact]
    public void Every_parameter_but_the_publisher_list_has_an_azd_variable_and_every_variable_is_documented()
    {
        var file = JsonNode.Parse(infra.ReadRepositoryFile("infra", "main.parameters.json"))!["parameters"]!.AsObject();
        var declared = infra.Template["parameters"]!.AsObject().Select(pair => pair.Key);
        Assert.Equal(["publisherPrincipals"], declared.Where(name => !file.ContainsKey(name)));

        var deployDoc = infra.ReadRepositoryFile("docs", "deploy.md");
        var variables = file.Select(pair => HookVariable().Match(pair.Value!["value"]!.ToString())).Where(m => m.Success).Select(m => m.Groups[1].Value);
        Assert.All(variables.Where(name => name != "AZURE_ENV_NAME"), name => Assert.Matches($@"\b{name}\b", deployDoc));
    }

    [Fact]
    public void Postprovision_hook_reads_only_outputs_of_main_and_writes_every_sample_setting()
    {
        var hook = infra.ReadRepositoryFile("infra", "hooks", "postprovision.sh");
        var outputs = infra.Template["outputs"]!.AsObject();
        var read = HookVariable().Matches(hook).Select(match => match.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(outputs.ContainsKey(name), $"the hook reads {name}, which main.bicep does not output"));

        var sample = JsonNode.Parse(infra.ReadRepositoryFile("local.settings.sample.json"))!["Values"]!.AsObject();
        Assert.All(sample.Select(pair => pair.Key), name => Assert.Contains($"setting {name} ", hook, StringComparison.Ordinal));
    }

    [Fact]
    public void Outputs_carry_no_secrets()
    {
        var outputs = infra.Template["outputs"]!.AsObject();
        Assert.DoesNotContain(outputs, pair => pair.Key.Contains("SECRET", StringComparison.OrdinalIgnoreCase)
            || pair.Value!.ToJsonString().Contains("Secret", StringComparison.Ordinal)
            || pair.Value.ToJsonString().Contains("listKeys", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\$\{([A-Z][A-Z0-9_]*)")]
    private static partial Regex HookVariable();
}
