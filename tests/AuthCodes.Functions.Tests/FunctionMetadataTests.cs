using System.Text.Json;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// The <c>functions.metadata</c> that the worker SDK generates when the Functions project builds, as
/// the Azure host reads it. The SDK marks it copy-to-output, so it arrives beside the test assembly
/// through the project reference.
/// </summary>
public sealed class FunctionMetadataTests
{
    public static TheoryData<string, string, string> HttpFunctions => new()
    {
        { "ListAuthorizationCodes", "v3/oauth2/authorization_codes/", "AuthCodes.Functions.ListAuthorizationCodes.RunAsync" },
        { "RetrieveAuthorizationCode", "v3/oauth2/authorization_codes/{id}/", "AuthCodes.Functions.RetrieveAuthorizationCode.RunAsync" },
        { "Health", "health", "AuthCodes.Functions.Health.RunAsync" },
        { "OpenApiDocument", "v3/schema/authorization-codes.json", "AuthCodes.Functions.OpenApiDocument.Run" },
    };

    [Fact]
    public void The_app_has_exactly_the_four_api_functions_the_projector_and_the_two_operator_functions()
    {
        using var metadata = Load();

        var names = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["Health", "ListAuthorizationCodes", "ListRejectedEvents", "OpenApiDocument", "ProjectChangeEvent", "ReplayRejectedEvent", "RetrieveAuthorizationCode"],
            names);
    }

    [Theory]
    [InlineData("ListRejectedEvents", "get", "events/rejected")]
    [InlineData("ReplayRejectedEvent", "post", "events/rejected/{id}/replay")]
    public void The_operator_functions_need_the_admin_key(string name, string method, string route)
    {
        using var metadata = Load();
        var function = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

        var trigger = Assert.Single(function.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("Admin", trigger.GetProperty("authLevel").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());
    }

    [Fact]
    public void The_projector_has_one_service_bus_trigger_on_the_topic_subscription_from_app_settings_one_message_no_sessions()
    {
        using var metadata = Load();
        var function = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "ProjectChangeEvent");

        Assert.Equal(
            ["name", "scriptFile", "entryPoint", "language", "properties", "bindings"],
            function.EnumerateObject().Select(p => p.Name));
        Assert.Equal("AuthCodes.Functions.dll", function.GetProperty("scriptFile").GetString());
        Assert.Equal("AuthCodes.Functions.ProjectChangeEvent.RunAsync", function.GetProperty("entryPoint").GetString());
        Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());

        // Every property of the one binding. The stand-in has the official attribute's surface
        // (ServiceBusTriggerSurfaceTests), so the official build generates the same: autoCompleteMessages
        // because the function sets it, no isSessionsEnabled because neither has a default for it.
        var binding = Assert.Single(function.GetProperty("bindings").EnumerateArray());
        Assert.Equal(
            Compact(
                """
                {"name":"body","direction":"In","type":"serviceBusTrigger","dataType":"String",
                "topicName":"%ChangeEventsTopic%","subscriptionName":"%ChangeEventsSubscription%",
                "connection":"ServiceBusConnection","autoCompleteMessages":true,"cardinality":"One","properties":{}}
                """),
            Compact(binding.GetRawText()));
    }

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Each_function_is_an_anonymous_get_on_its_route(string name, string route, string entryPoint)
    {
        using var metadata = Load();
        var function = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);

        Assert.Equal("AuthCodes.Functions.dll", function.GetProperty("scriptFile").GetString());
        Assert.Equal(entryPoint, function.GetProperty("entryPoint").GetString());
        Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());

        var bindings = function.GetProperty("bindings").EnumerateArray().ToArray();
        var trigger = Assert.Single(bindings, b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal("In", trigger.GetProperty("direction").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(route, trigger.GetProperty("route").GetString());

        var output = Assert.Single(bindings, b => b.GetProperty("type").GetString() == "http");
        Assert.Equal("$return", output.GetProperty("name").GetString());
        Assert.Equal("Out", output.GetProperty("direction").GetString());
        Assert.Equal(2, bindings.Length);
    }

    [Fact]
    public void Routes_are_the_shared_api_route_constants()
    {
        Assert.Equal("v3/oauth2/authorization_codes/", Api.AuthorizationCodesApi.ListRoute);
        Assert.Equal("v3/oauth2/authorization_codes/{id}/", Api.AuthorizationCodesApi.RetrieveRoute);
        Assert.Equal("health", Api.AuthorizationCodesApi.HealthRoute);
        Assert.Equal("v3/schema/authorization-codes.json", Api.AuthorizationCodesApi.OpenApiRoute);
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }

    internal static JsonDocument Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "functions.metadata");
        Assert.True(
            File.Exists(path),
            $"functions.metadata was not found at {path}: the Functions project's build output should bring it through the project reference.");
        return JsonDocument.Parse(File.ReadAllText(path));
    }
}
