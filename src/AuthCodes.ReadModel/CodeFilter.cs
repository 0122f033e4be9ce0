namespace AuthCodes.ReadModel;

/// <summary>
/// Which codes a list request may see. <see cref="SearchTerms"/> are already lower-cased (invariant);
/// every term must occur in at least one searchable field.
/// </summary>
public sealed record CodeFilter(long? User = null, long? Provider = null, IReadOnlyList<string>? SearchTerms = null)
{
    public static readonly CodeFilter All = new();

    /// <summary>The reference semantics every store implements (the embedded store uses it directly).</summary>
    public bool Matches(CodeDocument code) =>
        (User is null || code.User.Pk == User)
        && (Provider is null || code.Provider.Pk == Provider)
        && (SearchTerms is null || SearchTerms.All(term => MatchesSearchTerm(code, term)));

    /// <summary>A term matches when it occurs, case-insensitively, in the provider name, the user's username, name or email, or one scope.</summary>
    public static bool MatchesSearchTerm(CodeDocument code, string lowerCaseTerm) =>
        Contains(code.Provider.Name, lowerCaseTerm)
        || Contains(code.User.Username, lowerCaseTerm)
        || Contains(code.User.Name, lowerCaseTerm)
        || Contains(code.User.Email, lowerCaseTerm)
        || code.Scope.Any(scope => Contains(scope, lowerCaseTerm));

    private static bool Contains(string field, string lowerCaseTerm) =>
        field.ToLowerInvariant().Contains(lowerCaseTerm, StringComparison.Ordinal);
}
