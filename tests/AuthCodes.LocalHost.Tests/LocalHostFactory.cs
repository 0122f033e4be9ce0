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
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The local host in-process (real routing, real JWT validation with the development key), over
/// a store the test fills, on a fake clock. Each instance has its own signing key in a temporary folder.
/// </summary>
public sealed class LocalHostFactory : WebApplicationFactory<Program>
{
    public const string Issuer = "urn:authcodes:local-development";
    public const string Audience = "authcodes-local";

    /// <summary>The host's time unless a test gives a clock: after the contract data's past expiries, long before its future ones.</summary>
    public static readonly DateTimeOffset DefaultNow = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string keyPath = Path.Combine(Path.GetTempPath(), "authcodes-tests", Guid.NewGuid().ToString("N"), "key.pem");

    /// <param name="clock">The host's clock (give the store the same one: it forgets by time); a fake one at <see cref="DefaultNow"/> when null.</param>
    public LocalHostFactory(
        ReadModelStores store, string environment = "Development", IReadOnlyDictionary<string, string>? settings = null, TimeProvider? clock = null)
    {
        Store = store;
        Time = clock ?? new FakeTimeProvider(DefaultNow);
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

    public TimeProvider Time { get; }

    /// <summary>A host over a new embedded store, both on one fake clock at <see cref="DefaultNow"/>.</summary>
    public static LocalHostFactory OnEmptyStore(string environment = "Development", IReadOnlyDictionary<string, string>? settings = null)
    {
        var clock = new FakeTimeProvider(DefaultNow);
        return new LocalHostFactory(EmbeddedReadModelStore.Create(clock), environment, settings, clock);
    }

    public string Environment { get; }

    public Dictionary<string, string> Settings { get; }

    /// <summary>The client address the host sees (TestServer has none of its own).</summary>
    public IPAddress? RemoteAddress { get; init; } = IPAddress.Loopback;

    /// <summary>A token from the development key, as the <c>token</c> command mints it, issued at <paramref name="issuedAt"/> or the host's now.</summary>
    public string TokenFor(string username, TimeSpan? lifetime = null, DateTime? issuedAt = null) =>
        DevelopmentToken.Create(
            DevelopmentSigningKey.LoadOrCreate(keyPath),
            new BearerAuthenticationOptions { Issuer = Settings["Authentication:Issuer"], Audience = Settings["Authentication:Audience"] },
            username,
            issuedAt ?? Time.GetUtcNow().UtcDateTime,
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
            services.RemoveAll<TimeProvider>();
            services.AddSingleton(Time);
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
