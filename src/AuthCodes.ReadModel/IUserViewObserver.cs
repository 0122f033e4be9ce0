namespace AuthCodes.ReadModel;

/// <summary>
/// Told when the projector has written or deleted a user view on this instance, so what an instance
/// keeps of users (the API's caller cache) can drop it at once instead of waiting out its lifetime.
/// </summary>
public interface IUserViewObserver
{
    void UserSaved(UserView user);

    void UserDeleted(long pk);
}
