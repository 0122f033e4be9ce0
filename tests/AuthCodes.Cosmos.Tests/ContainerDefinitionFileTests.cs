using System.Reflection;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// <c>src/AuthCodes.Cosmos/cosmos-containers.json</c> is <see cref="CosmosContainerDefinition"/> as ARM
/// resource bodies, for the Bicep to load; it must never drift from the code. Regenerate it with
/// <c>UPDATE_COSMOS_DEFINITION=1 dotnet test tests/AuthCodes.Cosmos.Tests --filter ContainerDefinitionFile</c>
/// (that run rewrites the file and still fails if it had drifted; the next run passes).
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
        var committed = File.Exists(path) ? File.ReadAllText(path) : null;
        if (Environment.GetEnvironmentVariable("UPDATE_COSMOS_DEFINITION") == "1" && committed != expected)
        {
            // Compared below with what was there before: a regenerating run still fails when the file had drifted.
            File.WriteAllText(path, expected);
        }

        Assert.True(committed is not null, $"{path} is missing; regenerate it (see this class).");
        Assert.Equal(expected, committed);
    }
}
