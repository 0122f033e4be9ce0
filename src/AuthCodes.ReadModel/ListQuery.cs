using System.Numerics;

namespace AuthCodes.ReadModel;

/// <summary>
/// The list endpoint's query string, parsed with authentik's semantics (DRF + django-filter):
/// integers as Python's <c>int()</c> reads them, the last value of a repeated parameter, unknown
/// ordering terms dropped, invalid page sizes falling back to the default. Existence checks for
/// <c>user</c>/<c>provider</c> need the store and happen in <see cref="AuthorizationCodeQueries"/>.
/// </summary>
public sealed record ListQuery(
    FilterValue User,
    FilterValue Provider,
    IReadOnlyList<string> SearchTerms,
    string? SearchError,
    CodeOrdering Ordering,
    PageSelector Page,
    int PageSize,
    bool IncludeGroups)
{
    public const int DefaultPageSize = 100;
    public const int MaxSearchLength = 256;

    public const string InvalidChoiceMessage = "Select a valid choice. That choice is not one of the available choices.";
    public static readonly string SearchTooLongMessage =
        $"Ensure this field has no more than {MaxSearchLength} characters.";

    /// <param name="lastValue">The last value of a query parameter, or null when absent.</param>
    /// <param name="maxPageSize">Our cap on <c>page_size</c> (authentik has none); larger values are clamped.</param>
    public static ListQuery Parse(Func<string, string?> lastValue, int maxPageSize)
    {
        var search = lastValue("search");
        // Length in code points, as Python counts it.
        var searchTooLong = search is not null && search.EnumerateRunes().Count() > MaxSearchLength;
        return new ListQuery(
            FilterValue.Parse(lastValue("user")),
            FilterValue.Parse(lastValue("provider")),
            searchTooLong ? [] : SplitSearchTerms(search),
            searchTooLong ? SearchTooLongMessage : null,
            ParseOrdering(lastValue("ordering")),
            PageSelector.Parse(lastValue("page")),
            ParsePageSize(lastValue("page_size"), maxPageSize),
            string.Equals(lastValue("include_groups") ?? "true", "true", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Search terms as DRF's <c>SearchFilter</c> splits them (whitespace and commas, NULs removed),
    /// lower-cased invariantly; every term must match some field.
    /// </summary>
    public static IReadOnlyList<string> SplitSearchTerms(string? search) =>
        string.IsNullOrEmpty(search)
            ? []
            : search.Replace("\0", "", StringComparison.Ordinal)
                .Split(SearchSeparators, StringSplitOptions.RemoveEmptyEntries)
                .Select(term => term.ToLowerInvariant())
                .Distinct(StringComparer.Ordinal)
                .ToArray();

    private static readonly char[] SearchSeparators =
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => c == ',' || PythonWhitespace.Is(c))];

    /// <summary>DRF <c>OrderingFilter</c>: comma-separated, stripped, unknown terms dropped, default when none remain.</summary>
    public static CodeOrdering ParseOrdering(string? ordering)
    {
        if (string.IsNullOrEmpty(ordering))
        {
            return CodeOrdering.Default;
        }

        var terms = new List<SortTerm>();
        foreach (var raw in ordering.Split(','))
        {
            var term = PythonWhitespace.Strip(raw);
            var descending = term.StartsWith('-');
            if (SortKeyOf(descending ? term[1..] : term) is { } key)
            {
                terms.Add(new SortTerm(key, descending));
            }
        }

        return terms.Count == 0 ? CodeOrdering.Default : CodeOrdering.From(terms);
    }

    private static CodeSortKey? SortKeyOf(string field) => field switch
    {
        "pk" => CodeSortKey.Pk,
        "provider" => CodeSortKey.Provider,
        "user" => CodeSortKey.User,
        "expires" => CodeSortKey.Expires,
        _ => null,
    };

    /// <summary>DRF's <c>_positive_int(strict=True, cutoff=max)</c>, falling back to the default on any error.</summary>
    private static int ParsePageSize(string? raw, int maxPageSize)
    {
        if (!PythonInt.TryParse(raw, out var size) || size <= 0)
        {
            return Math.Min(DefaultPageSize, maxPageSize);
        }

        return size > maxPageSize ? maxPageSize : (int)size;
    }
}

/// <summary>A <c>user</c> or <c>provider</c> filter: absent, a pk to check for existence, or invalid.</summary>
public readonly record struct FilterValue(bool IsPresent, long? Pk)
{
    public static readonly FilterValue Absent = new(false, null);

    public bool IsInvalid => IsPresent && Pk is null;

    /// <summary>An empty value means "no filter" (django-filter's empty values); a non-integer or out-of-range value is invalid.</summary>
    public static FilterValue Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return Absent;
        }

        return PythonInt.TryParse(raw, out var value) && value >= long.MinValue && value <= long.MaxValue
            ? new FilterValue(true, (long)value)
            : new FilterValue(true, null);
    }
}

/// <summary>The requested page: a number (possibly invalid), or <c>last</c>.</summary>
public readonly record struct PageSelector(BigInteger? Number, bool IsLast)
{
    public static PageSelector Parse(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return new PageSelector(BigInteger.One, false);
        }

        if (raw == "last")
        {
            return new PageSelector(null, true);
        }

        return PythonInt.TryParse(raw, out var number) ? new PageSelector(number, false) : new PageSelector(null, false);
    }
}
