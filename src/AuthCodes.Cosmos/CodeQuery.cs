using System.Globalization;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cosmos;

/// <summary>
/// The SQL of one code filter, parameterised: the WHERE clause (search terms become CONTAINS over the
/// lower-cased search text), an optional keyset predicate and ORDER BY. Fields come from <see cref="CodeSortPath"/>.
/// </summary>
internal sealed class CodeQuery(CodeFilter filter)
{
    /// <summary>The filter as a <see cref="PageBoundaryCache"/> key.</summary>
    public string CacheKey { get; } =
        $"u={filter.User}|p={filter.Provider}|s={string.Join('\u001f', filter.SearchTerms ?? [])}";

    /// <summary>
    /// <paramref name="select"/> over the filtered codes; with <paramref name="ordering"/> sorted by it, and with
    /// <paramref name="after"/> only the rows strictly after that boundary in the ordering (its sort values, pk last).
    /// </summary>
    public QueryDefinition Definition(string select, IReadOnlyList<SortTerm>? ordering = null, long[]? after = null)
    {
        var conditions = new List<string>();
        if (filter.User is not null)
        {
            conditions.Add($"c.{CodeSortPath.Of(CodeSortKey.User)} = @user");
        }

        if (filter.Provider is not null)
        {
            conditions.Add($"c.{CodeSortPath.Of(CodeSortKey.Provider)} = @provider");
        }

        var terms = filter.SearchTerms ?? [];
        for (var i = 0; i < terms.Count; i++)
        {
            conditions.Add($"CONTAINS(c.search, @term{i})");
        }

        if (after is not null && ordering is not null)
        {
            conditions.Add(After(ordering));
        }

        var sql = select
            + (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions))
            + (ordering is null ? "" : " ORDER BY " + string.Join(", ", ordering.Select(t => $"c.{CodeSortPath.Of(t.Key)} {(t.Descending ? "DESC" : "ASC")}")));
        var definition = new QueryDefinition(sql);
        if (filter.User is { } user)
        {
            definition = definition.WithParameter("@user", user);
        }

        if (filter.Provider is { } provider)
        {
            definition = definition.WithParameter("@provider", provider);
        }

        for (var i = 0; i < terms.Count; i++)
        {
            definition = definition.WithParameter($"@term{i}", terms[i]);
        }

        for (var i = 0; i < (after?.Length ?? 0); i++)
        {
            definition = definition.WithParameter($"@b{i}", after![i]);
        }

        return definition;
    }

    /// <summary>The keyset predicate "strictly after the boundary <c>@b0, @b1, …</c> in this ordering" (pk makes it exact).</summary>
    private static string After(IReadOnlyList<SortTerm> ordering)
    {
        var disjuncts = new List<string>();
        for (var i = 0; i < ordering.Count; i++)
        {
            var conjuncts = Enumerable.Range(0, i).Select(j => $"c.{CodeSortPath.Of(ordering[j].Key)} = @b{j}").ToList();
            conjuncts.Add($"c.{CodeSortPath.Of(ordering[i].Key)} {(ordering[i].Descending ? "<" : ">")} @b{i}");
            disjuncts.Add("(" + string.Join(" AND ", conjuncts) + ")");
        }

        return "(" + string.Join(" OR ", disjuncts) + ")";
    }

    /// <summary><c>SELECT TOP n</c> with the count as invariant digits.</summary>
    public static string SelectTop(int count, string projection) =>
        $"SELECT TOP {count.ToString(CultureInfo.InvariantCulture)} {projection} FROM c";
}
