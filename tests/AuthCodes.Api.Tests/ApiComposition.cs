using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>
/// The HTTP surface as a host composes it (<c>AddAuthorizationCodesServices</c>, an embedded store,
/// a fake clock, captured logs), with a substitute authenticator: alice (user 2) by default.
/// </summary>
public sealed class ApiComposition : IDisposable
{
    public const long AlicePk = 2;
    public const long BobPk = 3;

    private readonly ServiceProvider provider;

    public ApiComposition(IDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        // The projection tells the caller cache of user writes, and the cache needs the issuer's settings.
        var configuration = new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = "https://auth.example.com/application/o/api/",
            ["Authentication:Audience"] = Tokens.Audience,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(Time);
        services.AddAuthorizationCodesServices();
        services.ReplaceReadModelStores(Store);
        services.AddSingleton(Authenticator);
        provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        AuthenticateAs(new Caller(AlicePk, IsSuperuser: false));
    }

    public FakeTimeProvider Time { get; } = new(Sample.Now);

    public FakeLoggerProvider Logs { get; } = new();

    public ReadModelStores Store { get; } = EmbeddedReadModelStore.Create();

    public ICallerAuthenticator Authenticator { get; } = Substitute.For<ICallerAuthenticator>();

    public IServiceProvider Services => provider;

    public AuthorizationCodesApi Api => provider.GetRequiredService<AuthorizationCodesApi>();

    public EventAdministration Administration => provider.GetRequiredService<EventAdministration>();

    public ChangeEventIntake Intake => provider.GetRequiredService<ChangeEventIntake>();

    public void AuthenticateAs(AuthenticationOutcome outcome) =>
        Authenticator.AuthenticateAsync(default, default).ReturnsForAnyArgs(outcome);

    public void AuthenticateAs(Caller caller) => AuthenticateAs(new Authenticated(caller));

    /// <summary>Codes 1–3 (alice's 1 and 2, bob's 3) of providers 10 and 11.</summary>
    public async Task<ApiComposition> SeedAsync()
    {
        var providers = new[] { Sample.Provider(10), Sample.Provider(11) };
        var users = new[] { Sample.User(AlicePk, "alice"), Sample.User(BobPk, "bob") };
        foreach (var p in providers)
        {
            await Store.Views.SaveProviderAsync(p, $"secret-{p.Pk}", CancellationToken.None);
        }

        foreach (var u in users)
        {
            await Store.Views.SaveUserAsync(u, CancellationToken.None);
        }

        await Store.Views.SaveCodeAsync(Sample.Code(1, providers[0], users[0], Sample.Now.AddMinutes(1)), CancellationToken.None);
        await Store.Views.SaveCodeAsync(Sample.Code(2, providers[1], users[0], Sample.Now.AddMinutes(2)), CancellationToken.None);
        await Store.Views.SaveCodeAsync(Sample.Code(3, providers[0], users[1], Sample.Now.AddMinutes(3)), CancellationToken.None);
        return this;
    }

    public void Dispose() => provider.Dispose();
}
