using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Testing;

public static class ReadModelStoresRegistration
{
    /// <summary>Registers <paramref name="stores"/> and its four ports in place of whatever store a host registered.</summary>
    public static IServiceCollection ReplaceReadModelStores(this IServiceCollection services, ReadModelStores stores) => services
        .Replace(ServiceDescriptor.Singleton(stores))
        .Replace(ServiceDescriptor.Singleton(stores.Codes))
        .Replace(ServiceDescriptor.Singleton(stores.Snapshots))
        .Replace(ServiceDescriptor.Singleton(stores.Views))
        .Replace(ServiceDescriptor.Singleton(stores.RejectedEvents));
}
