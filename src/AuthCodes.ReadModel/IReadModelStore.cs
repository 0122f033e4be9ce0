namespace AuthCodes.ReadModel;

/// <summary>
/// The read model's storage port. Every implementation (embedded, Cosmos DB) passes the same
/// conformance suite, so ordering, filtering, search and counting cannot drift between hosts.
/// </summary>
public interface IReadModelStore
{
    /// <summary>How many listed codes match <paramref name="filter"/>.</summary>
    Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// The listed codes matching <paramref name="filter"/>, in <paramref name="ordering"/>
    /// (which always ends with the <c>pk</c> tie-breaker), skipping <paramref name="skip"/>.
    /// </summary>
    Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken);

    Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken);

    /// <summary>
    /// The live user whose token subject under <paramref name="mode"/> equals <paramref name="subject"/>;
    /// null when none or when more than one user matches (an ambiguous subject authenticates nobody).
    /// </summary>
    Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken);

    Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken);

    Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken);

    /// <summary>The client secrets of the given live providers, read in one batch (superuser pages only).</summary>
    Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken);

    /// <summary>Cheap reachability probe for health checks.</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);

    Task SaveUserAsync(UserView user, CancellationToken cancellationToken);

    Task DeleteUserAsync(long pk, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken);

    Task DeleteProviderAsync(long pk, CancellationToken cancellationToken);

    Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken);

    Task DeleteCodeAsync(long pk, CancellationToken cancellationToken);
}

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

/// <summary>How authentik providers map a user to a token's <c>sub</c> claim.</summary>
public enum SubjectMode
{
    HashedUserId,
    UserId,
    UserUuid,
    UserUsername,
    UserEmail,
    UserUpn,
}
