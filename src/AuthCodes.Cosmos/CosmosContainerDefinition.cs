using System.Collections.ObjectModel;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// The one definition of the store's containers: partition keys, indexing policies and TTL. Start-up
/// creates containers from it (key auth) or verifies existing ones against it (Entra auth), and the
/// infrastructure compiles the same values into Bicep. Change it only together with the Bicep.
/// </summary>
public static class CosmosContainerDefinition
{
    public const string CodesPartitionKeyPath = "/id";
    public const string EntitiesPartitionKeyPath = "/partition";

    /// <summary>TTL is on for both containers, but items only expire when they carry a <c>ttl</c> (codes, code snapshots, tombstones).</summary>
    public const int DefaultTimeToLive = -1;

    /// <summary>The numeric fields code documents are sorted and filtered on (besides <c>/search</c>).</summary>
    public static readonly IReadOnlyList<string> CodeSortFields = [.. Enum.GetValues<CodeSortKey>().Select(CodeSortPath.Of)];

    /// <summary>
    /// Composite indexes of the codes container: every ordering of one key plus the <c>pk</c>
    /// tie-breaker, and authentik's default pair (<c>provider, expires</c>) plus <c>pk</c>, each with
    /// its first key ascending. Cosmos DB serves an ORDER BY from a composite index in its declared
    /// directions or in the exact reverse of all of them, so these 10 serve all 20 orderings. Other
    /// orderings sort a key-only candidate set in memory (see docs/cosmos-design.md).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<SortTerm>> CodeCompositeIndexes { get; } = BuildCodeComposites();

    /// <summary>Orderings the composite indexes serve, read forwards or backwards (one field alone needs none).</summary>
    internal static bool IsIndexed(IReadOnlyList<SortTerm> ordering) =>
        ordering.Count == 1 || CodeCompositeIndexes.Any(c => c.SequenceEqual(ordering) || c.SequenceEqual(Reversed(ordering)));

    /// <param name="name">The container's name.</param>
    /// <param name="declareReversedComposites">
    /// Also declare each composite's exact reverse, for a server that serves an ORDER BY only from a composite
    /// declared in exactly its directions (the local test server; <see cref="CosmosStoreOptions.DeclareReversedCompositeIndexes"/>).
    /// </param>
    public static ContainerProperties Codes(string name, bool declareReversedComposites = false)
    {
        var properties = new ContainerProperties(name, CodesPartitionKeyPath) { DefaultTimeToLive = DefaultTimeToLive };
        var policy = properties.IndexingPolicy;
        policy.IndexingMode = IndexingMode.Consistent;
        policy.Automatic = true;
        policy.IncludedPaths.Clear();
        policy.ExcludedPaths.Clear();
        foreach (var field in CodeSortFields)
        {
            policy.IncludedPaths.Add(new IncludedPath { Path = $"/{field}/?" });
        }

        policy.IncludedPaths.Add(new IncludedPath { Path = "/search/?" });
        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        foreach (var composite in declareReversedComposites ? CodeCompositeIndexes.SelectMany(c => new[] { c, Reversed(c) }) : CodeCompositeIndexes)
        {
            policy.CompositeIndexes.Add(new Collection<CompositePath>(
                [.. composite.Select(t => new CompositePath { Path = "/" + CodeSortPath.Of(t.Key), Order = t.Descending ? CompositePathSortOrder.Descending : CompositePathSortOrder.Ascending })]));
        }

        return properties;
    }

    public static ContainerProperties Entities(string name)
    {
        var properties = new ContainerProperties(name, EntitiesPartitionKeyPath) { DefaultTimeToLive = DefaultTimeToLive };
        var policy = properties.IndexingPolicy;
        policy.IndexingMode = IndexingMode.Consistent;
        policy.Automatic = true;
        policy.IncludedPaths.Clear();
        policy.ExcludedPaths.Clear();
        foreach (var path in EntityIndexedPaths)
        {
            policy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        policy.CompositeIndexes.Add(new Collection<CompositePath>(
        [
            new CompositePath { Path = "/rejectedAtMicros", Order = CompositePathSortOrder.Descending },
            new CompositePath { Path = "/recordId", Order = CompositePathSortOrder.Ascending },
        ]));
        return properties;
    }

    /// <summary>Paths the entity look-ups filter or sort on; everything else is excluded (cheaper writes).</summary>
    public static readonly IReadOnlyList<string> EntityIndexedPaths =
    [
        "/partition/?",
        "/kind/?",
        "/deleted/?",
        "/code/user/?",
        "/code/provider/?",
        "/user/groups/[]/?",
        "/group/parent/?",
        "/application/provider/?",
        "/application/backchannelProviders/[]/?",
        "/subjects/*",
        "/rejectedAtMicros/?",
        "/recordId/?",
    ];

    /// <summary>
    /// The differences between an existing container and the definition, in words (empty when it
    /// matches): partition key, TTL, indexed and excluded paths, composite indexes.
    /// </summary>
    public static IReadOnlyList<string> Differences(ContainerProperties expected, ContainerProperties actual)
    {
        var differences = new List<string>();
        if (!string.Equals(expected.PartitionKeyPath, actual.PartitionKeyPath, StringComparison.Ordinal))
        {
            differences.Add($"partition key path is '{actual.PartitionKeyPath}', expected '{expected.PartitionKeyPath}'");
        }

        if (expected.DefaultTimeToLive != actual.DefaultTimeToLive)
        {
            differences.Add($"default TTL is {actual.DefaultTimeToLive?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off"}, expected {expected.DefaultTimeToLive}");
        }

        Compare("included paths", expected.IndexingPolicy.IncludedPaths.Select(p => p.Path), actual.IndexingPolicy.IncludedPaths.Select(p => p.Path), differences);
        Compare("excluded paths", expected.IndexingPolicy.ExcludedPaths.Select(p => p.Path), actual.IndexingPolicy.ExcludedPaths.Select(p => p.Path).Where(p => p != "/\"_etag\"/?"), differences);
        Compare(
            "composite indexes",
            expected.IndexingPolicy.CompositeIndexes.Select(Describe),
            actual.IndexingPolicy.CompositeIndexes.Select(Describe),
            differences);
        return differences;
    }

    /// <summary>
    /// Both containers as the ARM/Bicep resource body of <c>Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers</c>
    /// (<c>properties.resource</c>, keyed <c>codes</c> and <c>entities</c>), committed as
    /// <c>cosmos-containers.json</c> beside this file so the Bicep can <c>loadJsonContent</c> it; a test keeps the file current.
    /// </summary>
    public static string ToResourceJson(string codesName = "codes", string entitiesName = "entities")
    {
        static System.Text.Json.Nodes.JsonObject Resource(ContainerProperties properties)
        {
            var policy = properties.IndexingPolicy;
            return new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = properties.Id,
                ["partitionKey"] = new System.Text.Json.Nodes.JsonObject { ["paths"] = new System.Text.Json.Nodes.JsonArray(properties.PartitionKeyPath), ["kind"] = "Hash" },
                ["defaultTtl"] = properties.DefaultTimeToLive,
                ["indexingPolicy"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["indexingMode"] = "consistent",
                    ["automatic"] = true,
                    ["includedPaths"] = new System.Text.Json.Nodes.JsonArray([.. policy.IncludedPaths.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["path"] = p.Path })]),
                    ["excludedPaths"] = new System.Text.Json.Nodes.JsonArray([.. policy.ExcludedPaths.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["path"] = p.Path })]),
                    ["compositeIndexes"] = new System.Text.Json.Nodes.JsonArray([.. policy.CompositeIndexes.Select(c => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonArray(
                        [.. c.Select(p => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["path"] = p.Path, ["order"] = p.Order == CompositePathSortOrder.Descending ? "descending" : "ascending" })]))]),
                },
            };
        }

        var root = new System.Text.Json.Nodes.JsonObject
        {
            ["codes"] = Resource(Codes(codesName)),
            ["entities"] = Resource(Entities(entitiesName)),
        };
        return root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
    }

    private static string Describe(Collection<CompositePath> composite) =>
        string.Join(",", composite.Select(p => p.Path + (p.Order == CompositePathSortOrder.Descending ? " desc" : " asc")));

    private static void Compare(string what, IEnumerable<string> expected, IEnumerable<string> actual, List<string> differences)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).ToArray();
        var extra = actual.Except(expected, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            differences.Add($"{what} missing: {string.Join("; ", missing)}");
        }

        if (extra.Length > 0)
        {
            differences.Add($"{what} not in the definition: {string.Join("; ", extra)}");
        }
    }

    private static List<IReadOnlyList<SortTerm>> BuildCodeComposites()
    {
        var composites = new List<IReadOnlyList<SortTerm>>();
        bool[] directions = [false, true];
        foreach (var key in new[] { CodeSortKey.Provider, CodeSortKey.User, CodeSortKey.Expires })
        {
            foreach (var pk in directions)
            {
                composites.Add([new(key, false), new(CodeSortKey.Pk, pk)]);
            }
        }

        foreach (var expires in directions)
        {
            foreach (var pk in directions)
            {
                composites.Add([new(CodeSortKey.Provider, false), new(CodeSortKey.Expires, expires), new(CodeSortKey.Pk, pk)]);
            }
        }

        return composites;
    }

    private static SortTerm[] Reversed(IReadOnlyList<SortTerm> ordering) => [.. ordering.Select(t => t with { Descending = !t.Descending })];
}
