namespace AuthCodes.ReadModel;

/// <summary>The embedded <see cref="IViewStore"/>: stores views and code documents with their JSON detached from the caller's documents.</summary>
internal sealed class EmbeddedViewStore(EmbeddedState state) : IViewStore
{
    public Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Users.GetValueOrDefault(pk));

    public Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Providers.TryGetValue(pk, out var provider) ? provider.Provider : null);

    public Task SaveUserAsync(UserView user, CancellationToken cancellationToken)
    {
        var stored = user with { Attributes = EmbeddedState.Detach(user.Attributes) };
        return state.Locked(() => state.Users[user.Pk] = stored);
    }

    public Task DeleteUserAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Users.Remove(pk));

    public Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken) =>
        state.Locked(() => state.Providers[provider.Pk] = (provider, clientSecret));

    public Task DeleteProviderAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Providers.Remove(pk));

    public Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
    {
        var stored = code with
        {
            Expires = code.Expires is { } expires ? DrfDateTime.Normalize(expires) : null,
            User = code.User with
            {
                Attributes = EmbeddedState.Detach(code.User.Attributes),
                GroupsObj = [.. code.User.GroupsObj.Select(g => g with { Attributes = EmbeddedState.Detach(g.Attributes) })],
            },
        };
        RenderedCode.Attach(stored);
        return state.Locked(() =>
        {
            if (!state.ForgottenCodes.Contains(code.Pk))
            {
                // A code forgotten between its snapshot write and this save stays forgotten (Cosmos: the item's own ttl).
                state.Codes.Put(stored);
            }
        });
    }

    public Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken) =>
        state.Locked(() => state.Codes.Remove(pk));
}
