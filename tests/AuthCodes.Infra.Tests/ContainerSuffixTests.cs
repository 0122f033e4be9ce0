using System.Text.Json.Nodes;

namespace AuthCodes.Infra.Tests;

/// <summary>
/// Rebuilding the read model without downtime (docs/deploy.md): the app serves the pair named by
/// <c>cosmosContainerSuffix</c> while <c>cosmosRebuildContainerSuffix</c> adds a second pair for <c>authcodes rebuild</c>.
/// Checked on <c>bicep snapshot</c>s, which evaluate the container loop and the names for given parameters.
/// </summary>
public sealed class ContainerSuffixTests
{
    private const string ContainerType = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers";

    private readonly InfraBuild infra = InfraBuild.Instance;

    [Fact]
    public void Suffixes_are_optional_azd_variables_of_at_most_32_characters()
    {
        var declared = infra.Template["parameters"]!.AsObject();
        var file = JsonNode.Parse(infra.ReadRepositoryFile("infra", "main.parameters.json"))!["parameters"]!;
        foreach (var (parameter, variable) in new[] { ("cosmosContainerSuffix", "COSMOS_CONTAINER_SUFFIX"), ("cosmosRebuildContainerSuffix", "COSMOS_REBUILD_CONTAINER_SUFFIX") })
        {
            var declaration = declared[parameter]!;
            Assert.Equal("", (string?)declaration["defaultValue"]);
            Assert.Equal("#/definitions/containerSuffix", (string?)declaration["$ref"]);
            Assert.Contains("Lowercase letters, digits and '-', not starting with '-'", (string?)declaration["metadata"]?["description"], StringComparison.Ordinal);
            Assert.Equal($"${{{variable}=}}", (string?)file[parameter]?["value"]);
        }

        Assert.Equal(32, (int?)infra.Template["definitions"]!["containerSuffix"]!["maxLength"]);
    }

    [Theory]
    // Today's deployment, unchanged.
    [InlineData("", "", new[] { "codes", "entities" }, "codes", "entities", "", "")]
    // docs/deploy.md step 1: the new pair beside the one the app keeps serving.
    [InlineData("", "v2", new[] { "codes", "entities", "codes-v2", "entities-v2" }, "codes", "entities", "codes-v2", "entities-v2")]
    [InlineData("v2", "v3", new[] { "codes-v2", "entities-v2", "codes-v3", "entities-v3" }, "codes-v2", "entities-v2", "codes-v3", "entities-v3")]
    // The same suffix twice is one pair, not a duplicate resource.
    [InlineData("v2", "v2", new[] { "codes-v2", "entities-v2" }, "codes-v2", "entities-v2", "codes-v2", "entities-v2")]
    // Step 3, after the switch: the old pair is no longer in the template (an incremental deployment keeps it).
    [InlineData("v2", "", new[] { "codes-v2", "entities-v2" }, "codes-v2", "entities-v2", "", "")]
    public void The_app_uses_the_active_pair_and_a_rebuild_pair_is_created_beside_it(
        string activeSuffix, string rebuildSuffix, string[] containers, string codes, string entities, string rebuildCodes, string rebuildEntities)
    {
        var snapshot = infra.Snapshot(new Dictionary<string, string>
        {
            ["cosmosContainerSuffix"] = activeSuffix,
            ["cosmosRebuildContainerSuffix"] = rebuildSuffix,
        });

        var database = $"{(string?)Assert.Single(snapshot.OfType("Microsoft.DocumentDB/databaseAccounts"))["name"]}/authcodes";
        var created = snapshot.OfType(ContainerType).ToList();
        Assert.Equal(containers.Select(id => $"{database}/{id}").Order(StringComparer.Ordinal), created.Select(container => (string?)container["name"]).Order(StringComparer.Ordinal));

        // Each body is the shared definition file's, with only the id changed.
        var definitions = JsonNode.Parse(infra.ReadRepositoryFile("src", "AuthCodes.Cosmos", "cosmos-containers.json"))!.AsObject();
        Assert.All(created, container =>
        {
            var body = container["properties"]!["resource"]!.AsObject();
            var id = (string)body["id"]!;
            Assert.Equal($"{database}/{id}", (string?)container["name"]);
            var definition = definitions.Select(pair => pair.Value!.AsObject()).Single(value => id == (string?)value["id"] || id.StartsWith($"{value["id"]}-", StringComparison.Ordinal));
            var expected = definition.DeepClone().AsObject();
            expected["id"] = id;
            Assert.True(JsonNode.DeepEquals(expected, body), $"{id} differs from its definition:\n{body.ToJsonString()}");
        });

        var settings = Assert.Single(snapshot.OfType("Microsoft.Web/sites/config"), config => ((string?)config["name"])!.EndsWith("/appsettings", StringComparison.Ordinal))["properties"]!;
        Assert.Equal(codes, (string?)settings["Cosmos__CodesContainer"]);
        Assert.Equal(entities, (string?)settings["Cosmos__EntitiesContainer"]);
        Assert.Equal(codes, (string?)snapshot.Outputs["COSMOS_CODES_CONTAINER"]);
        Assert.Equal(entities, (string?)snapshot.Outputs["COSMOS_ENTITIES_CONTAINER"]);
        Assert.Equal(rebuildCodes, (string?)snapshot.Outputs["COSMOS_REBUILD_CODES_CONTAINER"]);
        Assert.Equal(rebuildEntities, (string?)snapshot.Outputs["COSMOS_REBUILD_ENTITIES_CONTAINER"]);
    }
}
