using System.Text.Json;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using Microsoft.Extensions.Configuration;

namespace AuthCodes.Functions.Tests;

/// <summary>The root <c>host.json</c> and <c>local.settings.sample.json</c>, as copied beside the tests.</summary>
public sealed class HostConfigurationTests
{
    [Fact]
    public void Host_json_is_version_2_with_the_api_route_prefix_and_request_telemetry_unsampled()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        var sampling = root.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings");
        Assert.True(sampling.GetProperty("isEnabled").GetBoolean());
        Assert.Contains("Request", sampling.GetProperty("excludedTypes").GetString()!.Split(';'));
    }

    [Fact]
    public void Local_settings_sample_names_the_worker_runtime_and_every_setting_the_options_read()
    {
        var values = SampleValues();

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("", values["Authentication__SharedSecret"]);
        Assert.Subset(
            values.Keys.ToHashSet(),
            new HashSet<string>
            {
                "Authentication__Issuer",
                "Authentication__Audience",
                "Authentication__SubjectMode",
                "Authentication__SharedSecret",
                "Authentication__Introspection__Enabled",
                "Authentication__Introspection__ClientId",
                "Authentication__Introspection__ClientSecret",
                "Api__MaxPageSize",
            });
    }

    [Fact]
    public void Local_settings_sample_binds_to_the_options_without_unknown_keys()
    {
        // The host turns "__" into the ":" section separator when it loads app settings.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(SampleValues().Select(v => KeyValuePair.Create(v.Key.Replace("__", ":", StringComparison.Ordinal), (string?)v.Value)))
            .Build();

        var api = configuration.GetSection(ApiOptions.SectionName).Get<ApiOptions>(o => o.ErrorOnUnknownConfiguration = true);
        var authentication = configuration.GetSection(BearerAuthenticationOptions.SectionName)
            .Get<BearerAuthenticationOptions>(o => o.ErrorOnUnknownConfiguration = true);

        Assert.NotNull(api);
        Assert.True(api.MaxPageSize >= 1);
        Assert.NotNull(authentication);
        Assert.False(authentication.Introspection.Enabled);
    }

    private static Dictionary<string, string> SampleValues()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
