using System.Reflection;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// <c>src/AuthCodes.Cosmos/cosmos-containers.json</c> is <see cref="CosmosContainerDefinition"/> as ARM
/// resource bodies, for the Bicep to load; it must never drift from the code. Regenerate it with
/// <c>UPDATE_COSMOS_DEFINITION=1 dotnet test tests/AuthCodes.Cosmos.Tests --filter ContainerDefinitionFile</c>.
/// </summary>
public sealed class ContainerDefinitionFileTests
{
    [Fact]
    public void The_committed_container_definition_file_matches_the_code()
    {
        var root = typeof(ContainerDefinitionFileTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;
        var path = Path.Combine(root, "src", "AuthCodes.Cosmos", "cosmos-containers.json");
        var expected = CosmosContainerDefinition.ToResourceJson();
        if (Environment.GetEnvironmentVariable("UPDATE_COSMOS_DEFINITION") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; regenerate it (see this class).");
        Assert.Equal(expected, File.ReadAllText(path));
    }
}
