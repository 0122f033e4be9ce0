using AuthCodes.Testing;

namespace AuthCodes.ReadModel.Tests;

/// <summary>The projector's user writes, told to what an instance keeps of users once they have reached the store.</summary>
public sealed class UserObservingViewStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Tells_every_observer_of_a_user_write_after_the_store_has_it()
    {
        var inner = EmbeddedReadModelStore.Create().Views;
        var observers = new[] { new RecordingObserver(inner), new RecordingObserver(inner) };
        var views = UserObservingViewStore.Wrap(inner, observers);

        await views.SaveUserAsync(Sample.User(7), None);
        await views.DeleteUserAsync(7, None);

        Assert.All(observers, observer => Assert.Equal(["saved 7 (stored: True)", "deleted 7 (stored: False)"], observer.Seen));
    }

    [Fact]
    public void Is_the_store_itself_when_nobody_observes_users()
    {
        var inner = EmbeddedReadModelStore.Create().Views;

        Assert.Same(inner, UserObservingViewStore.Wrap(inner, []));
    }

    private sealed class RecordingObserver(IViewStore store) : IUserViewObserver
    {
        public List<string> Seen { get; } = [];

        public void UserSaved(UserView user) => Seen.Add($"saved {user.Pk} (stored: {Stored(user.Pk)})");

        public void UserDeleted(long pk) => Seen.Add($"deleted {pk} (stored: {Stored(pk)})");

        private bool Stored(long pk) => store.GetUserAsync(pk, None).Result is not null;
    }
}
