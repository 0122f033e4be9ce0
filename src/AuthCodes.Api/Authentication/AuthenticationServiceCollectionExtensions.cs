using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Api.Authentication;

public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>Bearer-token authentication bound to the <c>Authentication</c> configuration section.</summary>
    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddOptions<BearerAuthenticationOptions>().BindConfiguration(BearerAuthenticationOptions.SectionName);
        services.TryAddSingleton<ICallerAuthenticator, JwtCallerAuthenticator>();
        return services;
    }
}
