using System.Net;
using AuthCodes.Api.Authentication;
using AuthCodes.LocalHost;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Builder;
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

    public LocalHostFactory(ReadModelStores store, string environment = "Development", IReadOnlyDictionary<string, string>? settings = null)
    {
        Store = store;
        Environment = environment;
        Settings = new Dictionary<string, string>
        {
            [DevelopmentSigningKey.PathSetting] = keyPath,
            ["Authentication:Issuer"] = Issuer,
            ["Authentication:Audience"] = Audience,
            ["Authentication:SubjectMode"] = "user_username",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            Settings[key] = value;
        }
    }

    public ReadModelStores Store { get; }

    public string Environment { get; }

    public Dictionary<string, string> Settings { get; }

    /// <summary>The client address the host sees (TestServer has none of its own).</summary>
    public IPAddress? RemoteAddress { get; init; } = IPAddress.Loopback;

    /// <summary>A token from the development key, as the <c>token</c> command mints it.</summary>
    public string TokenFor(string username, TimeSpan? lifetime = null, DateTime? issuedAt = null) =>
        DevelopmentToken.Create(
            DevelopmentSigningKey.LoadOrCreate(keyPath),
            new BearerAuthenticationOptions { Issuer = Settings["Authentication:Issuer"], Audience = Settings["Authentication:Audience"] },
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
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.ReplaceReadModelStores(Store);
            services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(RemoteAddress));
        });
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

/// <summary>Sets the connection's remote address before the app sees the request.</summary>
internal sealed class RemoteAddressFilter(IPAddress? address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}
