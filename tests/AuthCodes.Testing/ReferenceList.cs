using AuthCodes.ReadModel;

namespace AuthCodes.Testing;

/// <summary>
/// The list endpoint's documented semantics, written afresh from authentik's rules (DRF 3.14's
/// <c>SearchFilter</c> and <c>OrderingFilter</c>, PostgreSQL's null ordering, Django's
/// <c>Paginator</c>) and the project's documented differences (search implemented, <c>pk</c> as the
/// last tie-breaker): the oracle that fuzz, pagination and store tests compare the real stores and
/// hosts with. It calls nothing in src/ to filter, order or page; <see cref="CodeDocument"/> is only
/// the data it reads.
/// </summary>
public static class ReferenceList
{
    /// <summary>authentik's default ordering for this view.</summary>
    public const string DefaultOrdering = "provider,expires";

    /// <summary>
    /// Python's <c>str.isspace()</c> characters, which <c>str.split()</c> and <c>str.strip()</c> use.
    /// Listed with python3 on the development machine:
    /// <c>[hex(c) for c in range(0x110000) if chr(c).isspace()]</c>.
    /// </summary>
    private static readonly char[] PythonWhitespace =
    [
        '\u0009', '\u000a', '\u000b', '\u000c', '\u000d', '\u001c', '\u001d', '\u001e', '\u001f', '\u0020',
        '\u0085', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
        '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000',
    ];

    /// <summary>The codes <paramref name="callerPk"/> may see (every code for a superuser), filtered, in the requested order.</summary>
    public static CodeDocument[] Select(
        IEnumerable<CodeDocument> codes, long callerPk, bool superuser, long? user, long? provider, string? search, string? ordering) =>
        Order(Filter(codes.Where(c => superuser || c.User.Pk == callerPk), user, provider, search), ordering);

    /// <summary>The <c>user</c> and <c>provider</c> filters (exact pks) and the search: every term occurs in some searchable field.</summary>
    public static IEnumerable<CodeDocument> Filter(IEnumerable<CodeDocument> codes, long? user, long? provider, string? search)
    {
        var terms = SearchTerms(search);
        return codes.Where(c =>
            (user is null || c.User.Pk == user)
            && (provider is null || c.Provider.Pk == provider)
            && terms.All(term => SearchableFields(c).Any(field => field.ToLowerInvariant().Contains(term.ToLowerInvariant(), StringComparison.Ordinal))));
    }

    /// <summary>
    /// DRF's <c>OrderingFilter</c>: the last <c>ordering</c> value split on commas, each term stripped,
    /// terms that are not an allowed field (after one optional <c>-</c>) dropped, the default when none
    /// remain; then PostgreSQL's <c>ORDER BY</c> (null <c>expires</c> largest: last ascending, first
    /// descending) with <c>pk</c> ascending as the final tie-breaker. A repeated key or a key after
    /// <c>pk</c> cannot change an order that already separated every tie, so nothing is deduplicated.
    /// </summary>
    public static CodeDocument[] Order(IEnumerable<CodeDocument> codes, string? ordering)
    {
        var terms = (ordering ?? "").Split(',').Select(t => t.Trim(PythonWhitespace)).Where(IsAllowedTerm).ToList();
        if (terms.Count == 0)
        {
            terms = [.. DefaultOrdering.Split(',')];
        }

        var ordered = codes.OrderBy(_ => 0); // keeps the input order, so every term can be a ThenBy
        foreach (var term in terms)
        {
            var descending = term.StartsWith('-');
            Func<CodeDocument, (int, long)> key = term.TrimStart('-') switch
            {
                "pk" => c => (0, c.Pk),
                "provider" => c => (0, c.Provider.Pk),
                "user" => c => (0, c.User.Pk),
                _ => c => c.Expires is { } e ? (0, e.UtcTicks / 10) : (1, 0), // PostgreSQL's microseconds; NULL after every value
            };
            ordered = descending ? ordered.ThenByDescending(key) : ordered.ThenBy(key);
        }

        return [.. ordered.ThenBy(c => c.Pk)];
    }

    /// <summary>Django's <c>Paginator.num_pages</c> with <c>allow_empty_first_page</c>: an empty list still has one page.</summary>
    public static int TotalPages(int count, int pageSize) => count == 0 ? 1 : ((count - 1) / pageSize) + 1;

    /// <summary>The items of 1-based page <paramref name="page"/>.</summary>
    public static T[] Page<T>(IReadOnlyList<T> items, int page, int pageSize) => [.. items.Skip((page - 1) * pageSize).Take(pageSize)];

    /// <summary>DRF's <c>SearchFilter.get_search_terms</c>: <c>search.replace('\x00', '').replace(',', ' ').split()</c>.</summary>
    private static string[] SearchTerms(string? search) =>
        (search ?? "").Replace("\0", "", StringComparison.Ordinal).Replace(',', ' ').Split(PythonWhitespace, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>An allowed field, ascending or with one <c>-</c> (<c>--pk</c> is not).</summary>
    private static bool IsAllowedTerm(string term) => (term.StartsWith('-') ? term[1..] : term) is "pk" or "provider" or "user" or "expires";

    /// <summary>The documented search fields: provider name, the user's username, name and email, and each scope element.</summary>
    private static IEnumerable<string> SearchableFields(CodeDocument code) =>
        [code.Provider.Name, code.User.Username, code.User.Name, code.User.Email, .. code.Scope];
}
