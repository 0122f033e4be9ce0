namespace AuthCodes.ReadModel;

/// <summary>
/// The code documents one filter without search selects (all codes, one user's, one provider's),
/// with a <see cref="SortedCodeList"/> per ordering asked for: built on the first request for it,
/// then maintained on every write. An ordering and its exact reverse share one list; a key the scope
/// fixes (the user of a user's codes) is left out, so such orderings share one list too.
/// </summary>
internal sealed class IndexedCodeScope(CodeFilter filter)
{
    private readonly Dictionary<long, CodeDocument> members = [];
    private readonly Dictionary<string, SortedCodeList> orderings = new(StringComparer.Ordinal);

    /// <summary>Exactly the codes in this scope match it.</summary>
    public CodeFilter Filter => filter;

    public int Count => members.Count;

    public IEnumerable<CodeDocument> Members => members.Values;

    public void Add(CodeDocument code)
    {
        members.Add(code.Pk, code);
        foreach (var list in orderings.Values)
        {
            list.Add(code);
        }
    }

    /// <summary>Removes <paramref name="code"/> as it was added.</summary>
    public void Remove(CodeDocument code)
    {
        members.Remove(code.Pk);
        foreach (var list in orderings.Values)
        {
            list.Remove(code);
        }
    }

    /// <summary>The scope's codes in <paramref name="ordering"/> from position <paramref name="skip"/> on.</summary>
    public IEnumerable<CodeDocument> Ordered(CodeOrdering ordering, int skip)
    {
        var terms = ordering.Terms.Where(term => !IsFixed(term.Key)).ToArray();
        var reversed = terms[0].Descending;
        var stored = CodeOrdering.From(reversed ? terms.Select(term => term with { Descending = !term.Descending }) : terms);
        var key = stored.ToString();
        if (!orderings.TryGetValue(key, out var list))
        {
            orderings[key] = list = new SortedCodeList(stored, members.Values);
        }

        return list.From(skip, reversed);
    }

    private bool IsFixed(CodeSortKey key) =>
        (key == CodeSortKey.User && filter.User is not null) || (key == CodeSortKey.Provider && filter.Provider is not null);
}
