namespace AuthCodes.ReadModel;

/// <summary>
/// How long an expired code stays listed (<c>is_expired: true</c>) before it leaves the store, bound
/// once from <c>Events:CodeGracePeriod</c>: the projector ignores code events older than that, and a
/// store that expires items by itself (Cosmos DB's TTL) keeps them that long.
/// </summary>
public sealed class CodeRetentionOptions
{
    public const string SectionName = "Events";

    public TimeSpan CodeGracePeriod { get; set; } = TimeSpan.FromHours(1);
}
