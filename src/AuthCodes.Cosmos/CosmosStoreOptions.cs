namespace AuthCodes.Cosmos;

/// <summary>
/// Settings of the Cosmos DB store (configuration section <c>Cosmos</c>). In Azure only
/// <see cref="AccountEndpoint"/> (and, for a user-assigned identity, <see cref="ManagedIdentityClientId"/>)
/// is set: the store authenticates with Entra ID and never creates anything. The Functions identity
/// convention is honoured as a fallback: <c>CosmosDb__accountEndpoint</c> and <c>CosmosDb__clientId</c>
/// (with <c>CosmosDb__credential=managedidentity</c>), the names the Cosmos DB binding extension reads.
/// </summary>
public sealed class CosmosStoreOptions
{
    public const string SectionName = "Cosmos";

    /// <summary>The Functions identity-based connection prefix (<c>CosmosDb__accountEndpoint</c>, <c>CosmosDb__clientId</c>).</summary>
    public const string FunctionsConnectionSection = "CosmosDb";

    /// <summary>The well-known key of the Cosmos DB emulator (public, documented by Microsoft); any key works on the local server.</summary>
    public const string EmulatorKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    public string? AccountEndpoint { get; set; }

    /// <summary>Emulators and the local test server only. When empty the store uses Entra ID (keyless).</summary>
    public string? AccountKey { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty uses <c>DefaultAzureCredential</c> as is.</summary>
    public string? ManagedIdentityClientId { get; set; }

    public string Database { get; set; } = "authcodes";

    /// <summary>The listed code documents (partition key <c>/id</c>, item TTL).</summary>
    public string CodesContainer { get; set; } = "codes";

    /// <summary>Snapshots, user and provider views, rejected events (partition key <c>/partition</c>).</summary>
    public string EntitiesContainer { get; set; } = "entities";

    /// <summary>Create database and containers at start-up when missing. Honoured only with <see cref="AccountKey"/>: Entra data-plane roles cannot create them.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>Gateway mode talking to the configured endpoint only (emulators and the local server).</summary>
    public bool GatewayOnly { get; set; }

    /// <summary>
    /// Declare every composite index of the codes container in both directions. Only for a server that serves an
    /// ORDER BY solely from a composite index in exactly its directions (the local Cosmos protocol server of the
    /// tests); Azure Cosmos DB and its emulator serve the exact reverse from the same index, and each extra
    /// composite adds to the charge of every code write.
    /// </summary>
    public bool DeclareReversedCompositeIndexes { get; set; }

    /// <summary>Calls slower than this are logged with their Cosmos diagnostics.</summary>
    public TimeSpan SlowRequestThreshold { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a page boundary (the sort key before a deep page) is reused; zero disables the cache.</summary>
    public TimeSpan PageBoundaryCacheLifetime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an expired code stays before its TTL removes it: not a setting of this section, registration copies <see cref="AuthCodes.ReadModel.CodeRetentionOptions"/> here.</summary>
    public TimeSpan CodeGracePeriod { get; internal set; } = TimeSpan.FromHours(1);

    /// <summary>How long tombstones of users, groups, providers and applications are kept (at least the subscription's message TTL).</summary>
    public TimeSpan TombstoneRetention { get; set; } = TimeSpan.FromDays(14);

    public bool UsesKey => !string.IsNullOrWhiteSpace(AccountKey);
}
