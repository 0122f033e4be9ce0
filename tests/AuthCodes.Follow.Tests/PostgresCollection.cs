namespace AuthCodes.Follow.Tests;

/// <summary>One PostgreSQL cluster shared by the follower's test classes (xunit needs the definition in the test assembly).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>
{
    public const string Name = "PostgreSQL";
}
