using AuthCodes.Api.Authentication;
using AuthCodes.LocalHost;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The local host in-process (real routing, real JWT validation with the development key), over
/// a store the test fills. Each instance has its own signing key in a temporary folder.
/// </summary>
public sealed class LocalHostFactory : WebApplicationFactory<Program>
{
    public const string Issuer = "urn:authcodes:local-development";
    public const string Audience = "authcodes-local";

    private readonly string keyPath = Path.Combine(Path.GetTempPath(), "authcodes-tests", Guid.NewGuid().ToString("N"), "key.pem");

    public LocalHostFactory(IReadModelStore store, string environment = "Development", int? maxPageSize = null)
    {
        Store = store;
        Environment = environment;
        MaxPageSize = maxPageSize;
    }

    public IReadModelStore Store { get; }

    public string Environment { get; }

    public int? MaxPageSize { get; }

    /// <summary>A token from the development key, as the <c>token</c> command mints it.</summary>
    public string TokenFor(string username, TimeSpan? lifetime = null, DateTime? issuedAt = null) =>
        DevelopmentToken.Create(
            DevelopmentSigningKey.LoadOrCreate(keyPath),
            new BearerAuthenticationOptions { Issuer = Issuer, Audience = Audience },
            username,
            issuedAt ?? DateTime.UtcNow,
            lifetime ?? TimeSpan.FromHours(1));

    public HttpClient ClientFor(string? username)
    {
        var client = CreateClient();
        if (username is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", TokenFor(username));
        }

        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting(DevelopmentSigningKey.PathSetting, keyPath);
        builder.UseSetting("Authentication:Issuer", Issuer);
        builder.UseSetting("Authentication:Audience", Audience);
        builder.UseSetting("Authentication:SubjectMode", "user_username");
        if (MaxPageSize is { } max)
        {
            builder.UseSetting("Api:MaxPageSize", max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        builder.ConfigureTestServices(services => services.AddSingleton(Store));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        var folder = Path.GetDirectoryName(keyPath)!;
        if (disposing && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
