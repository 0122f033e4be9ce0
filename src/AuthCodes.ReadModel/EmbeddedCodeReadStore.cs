namespace AuthCodes.ReadModel;

/// <summary>The embedded <see cref="ICodeReadStore"/>: reads pages and counts from the maintained <see cref="EmbeddedCodeIndex"/>.</summary>
internal sealed class EmbeddedCodeReadStore(EmbeddedState state) : ICodeReadStore
{
    public Task<int> CountCodesAsync(CodeFilter filter, CancellationToken cancellationToken) =>
        state.Locked(() => state.Codes.Count(filter));

    public Task<IReadOnlyList<CodeDocument>> ListCodesAsync(
        CodeFilter filter, CodeOrdering ordering, int skip, int take, CancellationToken cancellationToken) =>
        state.Locked(() => state.Codes.Page(filter, ordering, skip, take));

    public Task<CodeDocument?> GetCodeAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Codes.Get(pk));

    public Task<UserView?> FindUserAsync(SubjectMode mode, string subject, CancellationToken cancellationToken) =>
        state.Locked(() =>
        {
            var matches = state.Users.Values.Where(user => user.SubjectOf(mode) == subject).Take(2).ToArray();
            return matches.Length == 1 ? matches[0] : null;
        });

    public Task<bool> UserExistsAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Users.ContainsKey(pk));

    public Task<bool> ProviderExistsAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Providers.ContainsKey(pk));

    public Task<IReadOnlyDictionary<long, string>> GetClientSecretsAsync(
        IReadOnlyCollection<long> providerPks, CancellationToken cancellationToken) =>
        state.Locked<IReadOnlyDictionary<long, string>>(() => providerPks
            .Where(state.Providers.ContainsKey)
            .Distinct()
            .ToDictionary(pk => pk, pk => state.Providers[pk].ClientSecret));

    public Task<bool> IsReachableAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}
