namespace AuthCodes.Cosmos.Tests;

/// <summary>One local Cosmos server for every test class of this assembly that needs one.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosCollection : ICollectionFixture<LocalCosmosServer>
{
    public const string Name = "Cosmos server";
}
