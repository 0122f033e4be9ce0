using AuthCodes.Testing;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Api.Tests;

/// <summary>
/// The authenticator as a host wires it: <c>AddBearerAuthentication()</c> bound from configuration,
/// an embedded store, a fake clock and captured logs.
/// </summary>
public sealed class AuthHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    private AuthHarness(ServiceProvider provider, FakeTimeProvider time, FakeLoggerProvider logs)
    {
        this.provider = provider;
        Time = time;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public FakeLoggerProvider Logs { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public ReadModelStores Store => provider.GetRequiredService<ReadModelStores>();

    public IServiceProvider Services => provider;

    public ICallerAuthenticator Authenticator => provider.GetRequiredService<ICallerAuthenticator>();

    /// <summary>Settings for an issuer served by <paramref name="issuer"/> (plain HTTP on loopback).</summary>
    public static Dictionary<string, string?> SettingsFor(FakeIssuer issuer) => new()
    {
        ["Authentication:Issuer"] = issuer.Issuer,
        ["Authentication:Audience"] = Tokens.Audience,
        ["Authentication:RequireHttpsMetadata"] = "false",
    };

    public static AuthHarness Create(
        IDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var time = new FakeTimeProvider(Testing.Sample.Now);
        var logs = new FakeLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(time);
        var store = EmbeddedReadModelStore.Create(time);
        services.AddSingleton(store);
        services.AddSingleton(store.Codes);
        services.AddBearerAuthentication();
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        return new AuthHarness(provider, time, logs);
    }

    /// <summary>Runs the start-up validation a host runs (ValidateOnStart).</summary>
    public BearerAuthenticationOptions ValidatedOptions() =>
        provider.GetRequiredService<IOptions<BearerAuthenticationOptions>>().Value;

    public async Task<UserView> AddUserAsync(UserView user)
    {
        await Store.Views.SaveUserAsync(user, CancellationToken.None);
        return user;
    }

    public Task<AuthenticationOutcome> AuthenticateAsync(string? header) =>
        Authenticator.AuthenticateAsync(header, CancellationToken.None);

    public Task<AuthenticationOutcome> AuthenticateBearerAsync(string token) => AuthenticateAsync("Bearer " + token);

    public async ValueTask DisposeAsync()
    {
        await provider.DisposeAsync();
        Logs.Dispose();
    }
}
