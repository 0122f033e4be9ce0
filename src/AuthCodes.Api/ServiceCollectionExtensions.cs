using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Api;

public static class ServiceCollectionExtensions
{
    /// <summary>The list API's services, shared by both hosts. The host adds a store and an authenticator.</summary>
    public static IServiceCollection AddAuthorizationCodesApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>()
            .BindConfiguration(ApiOptions.SectionName)
            .Validate(o => o.MaxPageSize >= 1, "Api:MaxPageSize must be at least 1.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AuthorizationCodeQueries>();
        services.TryAddSingleton<ProjectionProgress>();
        services.TryAddSingleton<AuthorizationCodesApi>();
        return services;
    }

    /// <summary>Operators' routes over rejected events; needs the projection (<c>AddChangeEventProjection</c>).</summary>
    public static IServiceCollection AddEventAdministration(this IServiceCollection services)
    {
        services.TryAddSingleton<EventAdministration>();
        return services;
    }

    /// <summary>The in-process store (local default and tests): one instance behind all four ports.</summary>
    public static IServiceCollection AddEmbeddedReadModelStore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => EmbeddedReadModelStore.Create(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Codes);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Snapshots);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Views);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().RejectedEvents);
        return services;
    }
}
