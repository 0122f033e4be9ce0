using System.Globalization;
using System.Text.Json;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Configuration;

namespace AuthCodes.Functions.Tests;

/// <summary>The root <c>host.json</c> and <c>local.settings.sample.json</c>, as copied beside the tests.</summary>
public sealed class HostConfigurationTests
{
    [Fact]
    public void Host_json_is_version_2_with_the_api_route_prefix_and_opentelemetry_request_telemetry_unsampled()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // The host emits OpenTelemetry, in the worker's traces; it does not sample them, and the Application
        // Insights SDK's samplingSettings would not apply, so none may suggest otherwise.
        Assert.Equal("OpenTelemetry", root.GetProperty("telemetryMode").GetString());
        Assert.False(root.GetProperty("logging").TryGetProperty("applicationInsights", out _));
    }

    [Fact]
    public void Host_json_service_bus_settings_complete_on_return_renew_locks_and_retry_exponentially()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var serviceBus = host.RootElement.GetProperty("extensions").GetProperty("serviceBus");

        Assert.Equal(
            ["prefetchCount", "maxConcurrentCalls", "autoCompleteMessages", "maxAutoLockRenewalDuration", "clientRetryOptions"],
            serviceBus.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, serviceBus.GetProperty("prefetchCount").GetInt32());
        Assert.Equal(16, serviceBus.GetProperty("maxConcurrentCalls").GetInt32());
        Assert.True(serviceBus.GetProperty("autoCompleteMessages").GetBoolean());
        Assert.Equal(TimeSpan.FromMinutes(10), TimeSpan.Parse(serviceBus.GetProperty("maxAutoLockRenewalDuration").GetString()!, CultureInfo.InvariantCulture));

        var retry = serviceBus.GetProperty("clientRetryOptions");
        Assert.Equal("exponential", retry.GetProperty("mode").GetString());
        Assert.Equal(5, retry.GetProperty("maxRetries").GetInt32());
        var delay = TimeSpan.Parse(retry.GetProperty("delay").GetString()!, CultureInfo.InvariantCulture);
        var maxDelay = TimeSpan.Parse(retry.GetProperty("maxDelay").GetString()!, CultureInfo.InvariantCulture);
        var tryTimeout = TimeSpan.Parse(retry.GetProperty("tryTimeout").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(delay > TimeSpan.Zero && delay <= maxDelay && maxDelay <= tryTimeout, $"{delay} {maxDelay} {tryTimeout}");
    }

    [Fact]
    public void Host_json_function_timeout_equals_the_lock_renewal_so_no_invocation_outlives_its_lock()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json")));
        var root = host.RootElement;

        Assert.Equal("00:10:00", root.GetProperty("functionTimeout").GetString());
        Assert.Equal(
            root.GetProperty("functionTimeout").GetString(),
            root.GetProperty("extensions").GetProperty("serviceBus").GetProperty("maxAutoLockRenewalDuration").GetString());
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
                "Events__Source",
                "Events__CodeGracePeriod",
            });
    }

    [Fact]
    public void Local_settings_sample_holds_every_app_setting_the_bindings_name()
    {
        var values = SampleValues();
        using var metadata = FunctionMetadataTests.Load();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in metadata.RootElement.EnumerateArray().SelectMany(f => f.GetProperty("bindings").EnumerateArray()))
        {
            foreach (var property in binding.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
            {
                var text = property.Value.GetString()!;
                if (text.Length > 2 && text[0] == '%' && text[^1] == '%')
                {
                    named.Add(text[1..^1]);
                }
            }

            if (binding.TryGetProperty("connection", out var connection))
            {
                // An identity-based connection is a group of settings under the name; the namespace is the one it needs.
                named.Add(connection.GetString() + "__fullyQualifiedNamespace");
            }
        }

        Assert.Equal(
            ["ChangeEventsSubscription", "ChangeEventsTopic", "ServiceBusConnection__fullyQualifiedNamespace"],
            named.Order(StringComparer.Ordinal));
        Assert.Subset(values.Keys.ToHashSet(), named);
        Assert.Equal("authcodes-change-events", values["ChangeEventsTopic"]);
        Assert.Equal("projector", values["ChangeEventsSubscription"]);
        Assert.EndsWith(".servicebus.windows.net", values["ServiceBusConnection__fullyQualifiedNamespace"], StringComparison.Ordinal);
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

        // The Events section feeds two option types: each key belongs to exactly one of them.
        var eventsSection = configuration.GetSection(EventsOptions.SectionName);
        Assert.All(eventsSection.GetChildren(), setting => Assert.True(
            (typeof(EventsOptions).GetProperty(setting.Key) is null) != (typeof(CodeRetentionOptions).GetProperty(setting.Key) is null),
            $"Events:{setting.Key} is read by nothing"));
        var events = eventsSection.Get<EventsOptions>();
        var retention = configuration.GetSection(CodeRetentionOptions.SectionName).Get<CodeRetentionOptions>();
        var cosmos = configuration.GetSection(AuthCodes.Cosmos.CosmosStoreOptions.SectionName).Get<AuthCodes.Cosmos.CosmosStoreOptions>(o => o.ErrorOnUnknownConfiguration = true);
        Assert.True(AuthCodes.Cosmos.ReadModelStoreSelection.UseCosmos(configuration));
        Assert.Equal("authcodes", cosmos?.Database);

        // Every key is the host's own, an app setting a binding names, or a key of a bound section.
        string[] hostKeys = ["FUNCTIONS_WORKER_RUNTIME", "AzureWebJobsStorage", "Store", "CosmosDb__accountEndpoint", "CosmosDb__clientId"];
        string[] bindingKeys = ["ChangeEventsTopic", "ChangeEventsSubscription", "ServiceBusConnection__fullyQualifiedNamespace"];
        string[] sections = [ApiOptions.SectionName, BearerAuthenticationOptions.SectionName, EventsOptions.SectionName, AuthCodes.Cosmos.CosmosStoreOptions.SectionName];
        Assert.All(
            SampleValues().Keys,
            key => Assert.True(
                hostKeys.Contains(key) || bindingKeys.Contains(key) || sections.Any(section => key.StartsWith(section + "__", StringComparison.Ordinal)),
                $"{key} is read by nothing"));

        Assert.NotNull(api);
        Assert.True(api.MaxPageSize >= 1);
        Assert.NotNull(authentication);
        Assert.False(authentication.Introspection.Enabled);
        Assert.NotNull(events);
        Assert.Equal("https://auth.example.com/", events.Source);
        Assert.NotNull(retention);
        Assert.Equal(TimeSpan.FromHours(1), retention.CodeGracePeriod);
    }

    private static Dictionary<string, string> SampleValues()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "local.settings.sample.json")));
        return sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }
}
