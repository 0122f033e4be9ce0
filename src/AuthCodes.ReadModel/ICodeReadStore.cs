namespace AuthCodes.ReadModel;

/// <summary>
/// What the list and retrieve use cases and the caller look-up read: listed code documents and the
/// live users and providers behind them. Every implementation (embedded, Cosmos DB) passes the same
/// conformance suite, so ordering, filtering, search and counting cannot drift between hosts.
/// </summary>
public interface ICodeReadStore
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
}
