using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Authentication;

public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>
    /// Bearer-token authentication bound to the <c>Authentication</c> configuration section:
    /// <see cref="ICallerAuthenticator"/>, the issuer's HTTP client, and options validated on start.
    /// </summary>
    public static IServiceCollection AddBearerAuthentication(this IServiceCollection services)
    {
        services.AddOptions<BearerAuthenticationOptions>()
            .BindConfiguration(BearerAuthenticationOptions.SectionName)
            .ValidateOnStart();
        // An IValidateOptions runs after every PostConfigure, so it sees TrustedSigningKeys added by code.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BearerAuthenticationOptions>, BearerAuthenticationOptionsValidator>());

        services.AddHttpClient(IssuerDocumentRetriever.HttpClientName)
            .ConfigureHttpClient((provider, client) =>
                client.Timeout = provider.GetRequiredService<IOptions<BearerAuthenticationOptions>>().Value.BackchannelTimeout);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IssuerMetadata>();
        services.TryAddSingleton<JwtTokenValidator>();
        services.TryAddSingleton<TokenIntrospector>();
        services.TryAddSingleton<CallerCache>();
        // The projection tells the cache of user writes on this instance (AddChangeEventProjection).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IUserViewObserver, CallerCache>(sp => sp.GetRequiredService<CallerCache>()));
        services.TryAddSingleton<ICallerAuthenticator, JwtCallerAuthenticator>();
        return services;
    }
}
