using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using Microsoft.Extensions.Options;

namespace AuthCodes.LocalHost;

internal static partial class LocalHostExtensions
{
    /// <summary>The Functions host's default route prefix, in front of the routes both hosts share.</summary>
    public const string RoutePrefix = "/api";

    /// <summary>The same routes as the Functions app.</summary>
    public static IEndpointRouteBuilder MapAuthorizationCodesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(RoutePrefix);
        api.MapGet(AuthorizationCodesApi.ListRoute, (HttpRequest request, AuthorizationCodesApi handler, CancellationToken ct) =>
            handler.ListAsync(request, ct));
        api.MapGet(AuthorizationCodesApi.RetrieveRoute, (string id, HttpRequest request, AuthorizationCodesApi handler, CancellationToken ct) =>
            handler.RetrieveAsync(request, id, ct));
        api.MapGet(AuthorizationCodesApi.HealthRoute, (AuthorizationCodesApi handler, CancellationToken ct) => handler.HealthAsync(ct));
        api.MapGet(AuthorizationCodesApi.OpenApiRoute, AuthorizationCodesApi.OpenApiDocument);
        return endpoints;
    }

    /// <summary>The local host accepts events from any source when <c>Events:Source</c> is unset; say so once.</summary>
    public static void WarnWhenAnyEventSourceIsAccepted(this WebApplication app)
    {
        if (string.IsNullOrWhiteSpace(app.Services.GetRequiredService<IOptions<EventsOptions>>().Value.Source))
        {
            LogAnySource(app.Logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Events:Source is not set: the event intake accepts events from any source")]
    private static partial void LogAnySource(ILogger logger);

    /// <summary>Whom the event intake trusts without a key (<see cref="LoopbackTrust"/>), and its start-up warning.</summary>
    public static IServiceCollection AddLoopbackTrust(this IServiceCollection services) => services.AddSingleton<LoopbackTrust>();

    /// <summary>Once the server listens (its addresses are known then), says whether loopback callers lost their trust.</summary>
    public static void WarnWhenLoopbackIsNotTrusted(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(app.Services.GetRequiredService<LoopbackTrust>().WarnWhenWithdrawn);

    /// <summary>Development only: tokens from the <c>token</c> command are signed by this key.</summary>
    public static IServiceCollection TrustDevelopmentSigningKey(this IServiceCollection services, IConfiguration configuration)
    {
        var key = DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.PathFrom(configuration));
        services.PostConfigure<BearerAuthenticationOptions>(options => options.TrustedSigningKeys.Add(key));
        return services;
    }
}
