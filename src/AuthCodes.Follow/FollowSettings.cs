namespace AuthCodes.Follow;

/// <summary>Where and how to follow authentik's PostgreSQL.</summary>
/// <param name="ConnectionString">An Npgsql connection string (PG* environment variables fill what it leaves out).</param>
/// <param name="Slot">The logical replication slot; its position is the follower's resume point.</param>
/// <param name="Publication">The publication over <see cref="AuthentikTables.Published"/>.</param>
public sealed record FollowSettings(string ConnectionString, string Slot = FollowSettings.DefaultSlot, string Publication = FollowSettings.DefaultPublication)
{
    public const string DefaultSlot = "authcodes";
    public const string DefaultPublication = "authcodes";

    /// <summary>Create the slot (with an initial load from its exported snapshot) when it does not exist.</summary>
    public bool CreateSlot { get; init; }

    /// <summary>A slot that lives as long as the connection: every start is a fresh snapshot (for a destination that starts empty).</summary>
    public bool TemporarySlot { get; init; }

    /// <summary>Create the publication (and set the replica identities it needs) when missing.</summary>
    public bool CreatePublication { get; init; }

    /// <summary>At most this many events per call to the destination.</summary>
    public int MaxBatch { get; init; } = 1000;

    /// <summary>Wait after a destination failure before sending the same events again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The database is not set up for following (no slot, no publication, a table missing): the message says the remedy in one line.</summary>
public sealed class FollowSetupException(string message) : Exception(message);
