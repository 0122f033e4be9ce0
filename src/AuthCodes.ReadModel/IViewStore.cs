namespace AuthCodes.ReadModel;

/// <summary>
/// The items the projector derives from snapshots and writes for the queries: user views, provider
/// views (with the client secret superuser pages show) and listed code documents; it reads the
/// views back while deriving codes.
/// </summary>
public interface IViewStore
{
    /// <summary>The derived view of a live user (as written by <see cref="SaveUserAsync"/>); null when none. Cosmos: point read.</summary>
    Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken);

    /// <summary>The derived view of a live provider (as written by <see cref="SaveProviderAsync"/>); null when none. Cosmos: point read.</summary>
    Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken);

    Task SaveUserAsync(UserView user, CancellationToken cancellationToken);

    Task DeleteUserAsync(long pk, CancellationToken cancellationToken);

    Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken);

    Task DeleteProviderAsync(long pk, CancellationToken cancellationToken);

    Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken);

    /// <summary>Unlists a code; false when it was not listed (the projector then knows it changed nothing).</summary>
    Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken);
}
