namespace AuthCodes.Infra.Tests;

/// <summary>infra/ compiles and lints clean, offline, with warnings treated as errors.</summary>
public sealed class BicepCompilationTests
{
    private readonly InfraBuild infra = InfraBuild.Instance;

    [Fact]
    public void Bicep_build_of_main_succeeds_without_any_warning()
    {
        Assert.True(infra.Build.ExitCode == 0, $"bicep build failed:\n{infra.Build.StandardError}");
        Assert.True(infra.Build.StandardError.Trim().Length == 0, $"bicep build reported diagnostics:\n{infra.Build.StandardError}");
        Assert.NotEmpty(infra.Resources);
    }

    [Fact]
    public void Bicep_lint_of_main_reports_nothing()
    {
        Assert.True(infra.Lint.ExitCode == 0 && infra.Lint.Diagnostics.Length == 0, $"bicep lint reported:\n{infra.Lint.Diagnostics}");
    }

    [Fact]
    public void Every_resource_api_version_is_in_the_compiler_type_index()
    {
        // BCP081: "Resource type ... does not have types available" (unknown type or API version).
        Assert.DoesNotContain("BCP081", infra.Build.Diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("BCP081", infra.Lint.Diagnostics, StringComparison.Ordinal);
        Assert.All(infra.Resources, resource => Assert.Matches(@"^\d{4}-\d{2}-\d{2}(-preview)?$", (string?)resource.Node["apiVersion"] ?? ""));
    }

    [Fact]
    public void No_registry_modules_are_referenced()
    {
        var bicepFiles = Directory.GetFiles(Path.Combine(infra.RepositoryRoot, "infra"), "*.bicep", SearchOption.AllDirectories);
        Assert.NotEmpty(bicepFiles);
        Assert.All(bicepFiles, file => Assert.DoesNotContain("br/", File.ReadAllText(file), StringComparison.Ordinal));
    }

    [Fact]
    public void Main_is_deployed_at_subscription_scope_and_creates_its_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate.json", (string?)infra.Template["$schema"], StringComparison.Ordinal);
        Assert.Single(infra.OfType("Microsoft.Resources/resourceGroups"));
    }
}
