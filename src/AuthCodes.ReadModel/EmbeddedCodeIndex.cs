namespace AuthCodes.ReadModel;

/// <summary>
/// The embedded store's listed code documents, indexed as a database would: every code, each user's
/// and each provider's codes as <see cref="IndexedCodeScope"/>s with their counts and orderings
/// maintained on write. A filter by user and/or provider reads the smallest matching scope; only what
/// no scope answers (search, or both filters at once) is checked code by code, and only within that scope.
/// The caller holds the store's lock.
/// </summary>
internal sealed class EmbeddedCodeIndex
{
    private readonly Dictionary<long, CodeDocument> byPk = [];
    private readonly IndexedCodeScope all = new(CodeFilter.All);
    private readonly Dictionary<long, IndexedCodeScope> byUser = [];
    private readonly Dictionary<long, IndexedCodeScope> byProvider = [];

    public CodeDocument? Get(long pk) => byPk.GetValueOrDefault(pk);

    /// <summary>Adds <paramref name="code"/>, replacing the document with its pk.</summary>
    public void Put(CodeDocument code)
    {
        Remove(code.Pk);
        byPk.Add(code.Pk, code);
        all.Add(code);
        ScopeOf(byUser, code.User.Pk, pk => new CodeFilter(User: pk)).Add(code);
        ScopeOf(byProvider, code.Provider.Pk, pk => new CodeFilter(Provider: pk)).Add(code);
    }

    public bool Remove(long pk)
    {
        if (!byPk.Remove(pk, out var code))
        {
            return false;
        }

        all.Remove(code);
        RemoveFrom(byUser, code.User.Pk, code);
        RemoveFrom(byProvider, code.Provider.Pk, code);
        return true;
    }

    public int Count(CodeFilter filter) => Candidates(filter) switch
    {
        null => 0,
        var scope when scope.Filter == filter => scope.Count,
        var scope => scope.Members.Count(filter.Matches),
    };

    /// <summary>The page of codes matching <paramref name="filter"/> in <paramref name="ordering"/>, copied.</summary>
    public IReadOnlyList<CodeDocument> Page(CodeFilter filter, CodeOrdering ordering, int skip, int take) => Candidates(filter) switch
    {
        null => [],
        var scope when scope.Filter == filter => [.. scope.Ordered(ordering, skip).Take(take)],
        var scope => [.. scope.Ordered(ordering, 0).Where(filter.Matches).Skip(skip).Take(take)],
    };

    /// <summary>The smallest scope holding every code <paramref name="filter"/> matches; null when none can match.</summary>
    private IndexedCodeScope? Candidates(CodeFilter filter)
    {
        IndexedCodeScope? scope = all;
        if (filter.User is { } user)
        {
            scope = Narrower(scope, byUser.GetValueOrDefault(user));
        }

        if (filter.Provider is { } provider)
        {
            scope = Narrower(scope, byProvider.GetValueOrDefault(provider));
        }

        return scope;
    }

    private static IndexedCodeScope? Narrower(IndexedCodeScope? current, IndexedCodeScope? candidate) =>
        current is null || candidate is null ? null : candidate.Count <= current.Count ? candidate : current;

    private static IndexedCodeScope ScopeOf(Dictionary<long, IndexedCodeScope> scopes, long pk, Func<long, CodeFilter> filterOf)
    {
        if (!scopes.TryGetValue(pk, out var scope))
        {
            scopes[pk] = scope = new IndexedCodeScope(filterOf(pk));
        }

        return scope;
    }

    private static void RemoveFrom(Dictionary<long, IndexedCodeScope> scopes, long pk, CodeDocument code)
    {
        var scope = scopes[pk];
        scope.Remove(code);
        if (scope.Count == 0)
        {
            scopes.Remove(pk);
        }
    }
}
