using System.Net;
using AuthCodes.Api.Authentication;
using AuthCodes.Cosmos;
using AuthCodes.Testing.Cosmos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The local host switched to the Cosmos store by configuration alone (<c>Store=cosmos</c> and the <c>Cosmos</c>
/// section), on containers of its own that it creates at start-up on the local Cosmos server, with its own
/// development signing key in a temporary folder (deleted on dispose).
/// </summary>
internal sealed class CosmosLocalHost : IDisposable
{
    private readonly string keyFolder = Path.Combine(Path.GetTempPath(), "authcodes-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider clock = new(LocalHostFactory.DefaultNow);

    public CosmosLocalHost(LocalCosmosServer server, Action<IServiceCollection>? configureServices = null)
    {
        var suffix = Guid.NewGuid().ToString("N");
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Store", "cosmos");
            builder.UseSetting("Cosmos:AccountEndpoint", server.Endpoint);
            builder.UseSetting("Cosmos:AccountKey", server.Key);
            builder.UseSetting("Cosmos:Database", "localhost");
            builder.UseSetting("Cosmos:CodesContainer", "codes-" + suffix);
            builder.UseSetting("Cosmos:EntitiesContainer", "entities-" + suffix);
            builder.UseSetting("Cosmos:GatewayOnly", "true");
            builder.UseSetting("Cosmos:DeclareReversedCompositeIndexes", server.IsLocalServer ? "true" : "false");
            builder.UseSetting(DevelopmentSigningKey.PathSetting, KeyPath);
            builder.UseSetting("Authentication:Issuer", LocalHostFactory.Issuer);
            builder.UseSetting("Authentication:Audience", LocalHostFactory.Audience);
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton(new CosmosClientCustomization(server.ConfigureClient));
                // A loopback caller, as on a developer's machine (the event intake's condition in Development).
                services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(IPAddress.Loopback));
                configureServices?.Invoke(services);
            });
        });
    }

    public WebApplicationFactory<Program> Factory { get; }

    private string KeyPath => Path.Combine(keyFolder, "key.pem");

    /// <summary>A token from the development key, valid for an hour from the host's fake clock.</summary>
    public string TokenFor(string username) =>
        DevelopmentToken.Create(
            DevelopmentSigningKey.LoadOrCreate(KeyPath),
            new BearerAuthenticationOptions { Issuer = LocalHostFactory.Issuer, Audience = LocalHostFactory.Audience },
            username,
            clock.GetUtcNow().UtcDateTime,
            TimeSpan.FromHours(1));

    public void Dispose()
    {
        Factory.Dispose();
        if (Directory.Exists(keyFolder))
        {
            Directory.Delete(keyFolder, recursive: true);
        }
    }
}
