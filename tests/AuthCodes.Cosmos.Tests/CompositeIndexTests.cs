using System.Collections.ObjectModel;
using AuthCodes.Cosmos;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// The codes container declares each composite index once: Cosmos DB serves an ORDER BY from a composite in
/// its declared directions or in the exact reverse of all of them, so a composite and its reverse would cost
/// two index entries per code write for one ordering family.
/// </summary>
public sealed class CompositeIndexTests
{
    private static readonly string[] Declared =
    [
        "/providerPk asc,/pk asc", "/providerPk asc,/pk desc",
        "/userPk asc,/pk asc", "/userPk asc,/pk desc",
        "/expiresKey asc,/pk asc", "/expiresKey asc,/pk desc",
        "/providerPk asc,/expiresKey asc,/pk asc", "/providerPk asc,/expiresKey asc,/pk desc",
        "/providerPk asc,/expiresKey desc,/pk asc", "/providerPk asc,/expiresKey desc,/pk desc",
    ];

    [Fact]
    public void The_container_declares_ten_composites_none_the_reverse_of_another()
    {
        Assert.Equal(Declared, Describe(CosmosContainerDefinition.Codes("codes")));
    }

    [Fact]
    public void A_server_that_serves_only_declared_directions_gets_each_reverse_declared_too()
    {
        var described = Describe(CosmosContainerDefinition.Codes("codes", declareReversedComposites: true));

        Assert.Equal(20, described.Length);
        Assert.Equal(20, described.Distinct().Count());
        Assert.Contains("/providerPk desc,/expiresKey desc,/pk desc", described);
        Assert.Contains("/userPk desc,/pk asc", described);
        Assert.All(Declared, composite => Assert.Contains(composite, described));
    }

    [Theory]
    [InlineData("provider,pk")]
    [InlineData("-provider,-pk")]
    [InlineData("-user,pk")]
    [InlineData("-expires,-pk")]
    [InlineData("provider,expires,pk")]
    [InlineData("-provider,-expires,-pk")]
    [InlineData("-provider,expires,-pk")]
    [InlineData("provider,-expires,pk")]
    [InlineData("-pk")]
    public void An_ordering_or_its_exact_reverse_among_the_composites_is_served_by_the_index(string ordering)
    {
        Assert.True(CosmosContainerDefinition.IsIndexed(Terms(ordering)));
    }

    [Theory]
    [InlineData("user,expires,pk")]
    [InlineData("provider,-expires,-pk,user")]
    [InlineData("expires,provider,pk")]
    public void Other_orderings_are_not_served_by_the_index(string ordering)
    {
        Assert.False(CosmosContainerDefinition.IsIndexed(Terms(ordering)));
    }

    private static SortTerm[] Terms(string ordering) =>
    [
        .. ordering.Split(',').Select(field => new SortTerm(
            field.TrimStart('-') switch
            {
                "provider" => CodeSortKey.Provider,
                "user" => CodeSortKey.User,
                "expires" => CodeSortKey.Expires,
                _ => CodeSortKey.Pk,
            },
            field.StartsWith('-'))),
    ];

    private static string[] Describe(ContainerProperties codes) =>
        [.. codes.IndexingPolicy.CompositeIndexes.Select(Describe)];

    private static string Describe(Collection<CompositePath> composite) =>
        string.Join(",", composite.Select(p => p.Path + (p.Order == CompositePathSortOrder.Descending ? " desc" : " asc")));
}
