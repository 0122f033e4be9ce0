using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Api;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// What both hosts serve besides the store: the list API, bearer authentication, the projection
    /// behind the event intake and the operators' routes. The host adds a store and its own extras.
    /// </summary>
    public static IServiceCollection AddAuthorizationCodesServices(this IServiceCollection services) =>
        services
            .AddAuthorizationCodesApi()
            .AddBearerAuthentication()
            .AddChangeEventProjection()
            .AddEventAdministration();

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
}
