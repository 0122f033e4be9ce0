using AuthCodes.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCodes.Cosmos;

/// <summary>
/// The <c>Store</c> setting hosts read to pick the read-model store: <c>embedded</c> (in-process)
/// or <c>cosmos</c> (section <c>Cosmos</c>). On the local host, <c>--store cosmos</c> on the
/// command line sets it.
/// </summary>
public static class ReadModelStoreSelection
{
    public const string Setting = "Store";
    public const string Embedded = "embedded";
    public const string Cosmos = "cosmos";

    /// <summary>True for <c>cosmos</c>, false for <c>embedded</c> or no value (<paramref name="defaultStore"/> then decides); anything else fails start-up.</summary>
    public static bool UseCosmos(IConfiguration configuration, string defaultStore = Embedded)
    {
        var value = configuration[Setting];
        var store = string.IsNullOrWhiteSpace(value) ? defaultStore : value.Trim();
        return store.ToLowerInvariant() switch
        {
            Cosmos => true,
            Embedded => false,
            _ => throw new InvalidOperationException($"{Setting} must be '{Embedded}' or '{Cosmos}', not '{value}'."),
        };
    }

    /// <summary>Registers the store <see cref="UseCosmos"/> picks: the Cosmos DB store or the embedded one.</summary>
    public static IServiceCollection AddReadModelStore(this IServiceCollection services, IConfiguration configuration, string defaultStore = Embedded) =>
        UseCosmos(configuration, defaultStore) ? services.AddCosmosReadModelStore() : services.AddEmbeddedReadModelStore();
}

/// <summary>
/// Extra client options a host or a test registers in DI (for example a handler the local protocol
/// server needs in tests); production registers none.
/// </summary>
public sealed record CosmosClientCustomization(Action<Microsoft.Azure.Cosmos.CosmosClientOptions> Configure);
