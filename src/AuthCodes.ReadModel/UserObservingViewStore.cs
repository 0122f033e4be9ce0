namespace AuthCodes.ReadModel;

/// <summary>
/// An <see cref="IViewStore"/> that tells <see cref="IUserViewObserver"/>s of every user write once
/// it has ended, also when it failed (it may have reached the store all the same). The composition
/// puts it between the projector and whichever store the host registered.
/// </summary>
public sealed class UserObservingViewStore : IViewStore
{
    private readonly IViewStore inner;
    private readonly IUserViewObserver[] observers;

    private UserObservingViewStore(IViewStore inner, IUserViewObserver[] observers)
    {
        this.inner = inner;
        this.observers = observers;
    }

    /// <summary><paramref name="views"/> itself when nobody observes users.</summary>
    public static IViewStore Wrap(IViewStore views, IEnumerable<IUserViewObserver> observers) =>
        observers.ToArray() is { Length: > 0 } all ? new UserObservingViewStore(views, all) : views;

    public Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken) => inner.GetUserAsync(pk, cancellationToken);

    public Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken) => inner.GetProviderAsync(pk, cancellationToken);

    public Task SaveUserAsync(UserView user, CancellationToken cancellationToken) =>
        WriteThenNotifyAsync(() => inner.SaveUserAsync(user, cancellationToken), observer => observer.UserSaved(user));

    public Task DeleteUserAsync(long pk, CancellationToken cancellationToken) =>
        WriteThenNotifyAsync(() => inner.DeleteUserAsync(pk, cancellationToken), observer => observer.UserDeleted(pk));

    private async Task WriteThenNotifyAsync(Func<Task> write, Action<IUserViewObserver> notify)
    {
        try
        {
            await write();
        }
        finally
        {
            foreach (var observer in observers)
            {
                notify(observer);
            }
        }
    }

    public Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken) =>
        inner.SaveProviderAsync(provider, clientSecret, cancellationToken);

    public Task DeleteProviderAsync(long pk, CancellationToken cancellationToken) => inner.DeleteProviderAsync(pk, cancellationToken);

    public Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken) => inner.SaveCodeAsync(code, cancellationToken);

    public Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken) => inner.DeleteCodeAsync(pk, cancellationToken);
}
