namespace AuthCodes.Follow;

/// <summary>The entities a transaction touched (other than codes), to be read whole at its commit.</summary>
internal sealed class EntityKeys
{
    public HashSet<long> Users { get; } = [];

    public HashSet<Guid> Groups { get; } = [];

    public HashSet<long> Providers { get; } = [];

    public HashSet<Guid> Applications { get; } = [];

    /// <summary>The tenant's avatar setting changed: every user's <c>avatar</c> may have.</summary>
    public bool AllUsers { get; set; }

    public bool IsEmpty => Users.Count == 0 && Groups.Count == 0 && Providers.Count == 0 && Applications.Count == 0 && !AllUsers;
}

/// <summary>One entity's state as read: saved with its data, or gone.</summary>
internal abstract record EntityState
{
    public sealed record Saved(Publishing.IEntityData Data) : EntityState;

    public sealed record Gone(string Entity, string Key) : EntityState;
}
