namespace AuthCodes.ReadModel;

public enum CodeSortKey
{
    Pk,
    Provider,
    User,
    Expires,
}

public readonly record struct SortTerm(CodeSortKey Key, bool Descending);

/// <summary>
/// A normalized ordering: each key at most once, ending with <c>pk</c> (ascending unless requested
/// otherwise), so every store returns one deterministic order. Null <c>expires</c> sort as PostgreSQL
/// sorts them under authentik: last when ascending, first when descending.
/// </summary>
public sealed class CodeOrdering : IComparer<CodeDocument>
{
    /// <summary>authentik's default for this view: <c>provider, expires</c>.</summary>
    public static readonly CodeOrdering Default = From([new(CodeSortKey.Provider, false), new(CodeSortKey.Expires, false)]);

    private CodeOrdering(IReadOnlyList<SortTerm> terms) => Terms = terms;

    public IReadOnlyList<SortTerm> Terms { get; }

    /// <summary>
    /// Normalizes requested terms: a repeated key keeps its first occurrence, terms after <c>pk</c>
    /// are dropped (pk is unique), and <c>pk</c> ascending is appended when absent.
    /// </summary>
    public static CodeOrdering From(IEnumerable<SortTerm> requested)
    {
        var terms = new List<SortTerm>(4);
        foreach (var term in requested)
        {
            if (terms.Exists(t => t.Key == term.Key))
            {
                continue;
            }

            terms.Add(term);
            if (term.Key == CodeSortKey.Pk)
            {
                return new CodeOrdering(terms);
            }
        }

        terms.Add(new SortTerm(CodeSortKey.Pk, false));
        return new CodeOrdering(terms);
    }

    public int Compare(CodeDocument? x, CodeDocument? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        foreach (var term in Terms)
        {
            var result = CompareKey(term.Key, x, y);
            if (result != 0)
            {
                return term.Descending ? -result : result;
            }
        }

        return 0;
    }

    /// <summary>The numeric sort value of <c>expires</c>: microseconds since the epoch, null as the largest value.</summary>
    public static long ExpiresSortKey(DateTimeOffset? expires) =>
        expires is { } value ? (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : long.MaxValue;

    private static int CompareKey(CodeSortKey key, CodeDocument x, CodeDocument y) => key switch
    {
        CodeSortKey.Pk => x.Pk.CompareTo(y.Pk),
        CodeSortKey.Provider => x.Provider.Pk.CompareTo(y.Provider.Pk),
        CodeSortKey.User => x.User.Pk.CompareTo(y.User.Pk),
        CodeSortKey.Expires => ExpiresSortKey(x.Expires).CompareTo(ExpiresSortKey(y.Expires)),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    public override string ToString() =>
        string.Join(",", Terms.Select(t => (t.Descending ? "-" : "") + t.Key.ToString().ToLowerInvariant()));
}
