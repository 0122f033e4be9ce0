using AuthCodes.Api;
using AuthCodes.Api.Authentication;

namespace AuthCodes.LocalHost;

internal static class LocalHostExtensions
{
    /// <summary>The same routes as the Functions app (which has the default <c>api</c> route prefix).</summary>
    public static IEndpointRouteBuilder MapAuthorizationCodesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet(AuthorizationCodesApi.ListRoute, (HttpRequest request, AuthorizationCodesApi handler, CancellationToken ct) =>
            handler.ListAsync(request, ct));
        api.MapGet(AuthorizationCodesApi.RetrieveRoute, (string id, HttpRequest request, AuthorizationCodesApi handler, CancellationToken ct) =>
            handler.RetrieveAsync(request, id, ct));
        api.MapGet(AuthorizationCodesApi.HealthRoute, (AuthorizationCodesApi handler, CancellationToken ct) => handler.HealthAsync(ct));
        api.MapGet(AuthorizationCodesApi.OpenApiRoute, AuthorizationCodesApi.OpenApiDocument);
        return endpoints;
    }

    /// <summary>Development only: tokens from the <c>token</c> command are signed by this key.</summary>
    public static IServiceCollection TrustDevelopmentSigningKey(this IServiceCollection services, IConfiguration configuration)
    {
        var key = DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.PathFrom(configuration));
        services.PostConfigure<BearerAuthenticationOptions>(options => options.TrustedSigningKeys.Add(key));
        return services;
    }
}
