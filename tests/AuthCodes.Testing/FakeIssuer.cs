using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Xunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Testing;

/// <summary>
/// A real authentik-like issuer on a random loopback port: discovery, JWKS (an RSA key made here)
/// and RFC 7662 introspection, with request counters and switchable failures.
/// </summary>
public sealed class FakeIssuer : IAsyncLifetime
{
    public const string ProviderPath = "application/o/authcodes/";
    public const string IntrospectionClientId = "authcodes-api";
    public const string IntrospectionClientSecret = "introspection-secret-0123456789";

    private WebApplication? app;
    private int discoveryRequests;
    private int jwksRequests;
    private int introspectionRequests;
    private ConcurrentDictionary<int, TaskCompletionSource> jwksWaiters = new();

    public RsaSecurityKey SigningKey { get; } = new(RSA.Create(2048)) { KeyId = "key-1" };

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>authentik's per-provider issuer, with its trailing slash.</summary>
    public string Issuer => new Uri(BaseAddress, ProviderPath).ToString();

    /// <summary>Answer 503 to discovery and JWKS.</summary>
    public bool MetadataDown { get; set; }

    /// <summary>Answer 503 to introspection.</summary>
    public bool IntrospectionDown { get; set; }

    /// <summary>The introspection response body.</summary>
    public string IntrospectionResponse { get; set; } = """{"active": true}""";

    public string? LastIntrospectionAuthorization { get; private set; }

    public string? LastIntrospectedToken { get; private set; }

    public int DiscoveryRequests => Volatile.Read(ref discoveryRequests);

    public int JwksRequests => Volatile.Read(ref jwksRequests);

    public int IntrospectionRequests => Volatile.Read(ref introspectionRequests);

    public int TotalRequests => DiscoveryRequests + JwksRequests + IntrospectionRequests;

    /// <summary>Back to a healthy issuer with zero counters (tests in one class share the fixture).</summary>
    public void Reset()
    {
        MetadataDown = false;
        IntrospectionDown = false;
        IntrospectionResponse = """{"active": true}""";
        LastIntrospectionAuthorization = null;
        LastIntrospectedToken = null;
        Interlocked.Exchange(ref discoveryRequests, 0);
        Interlocked.Exchange(ref jwksRequests, 0);
        Interlocked.Exchange(ref introspectionRequests, 0);
        jwksWaiters = new();
    }

    /// <summary>Completes when the JWKS has been requested <paramref name="count"/> times (a signal, not a poll).</summary>
    public Task JwksRequested(int count) => Waiter(count).Task;

    private TaskCompletionSource Waiter(int count) =>
        jwksWaiters.GetOrAdd(count, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();

        app.MapGet($"/{ProviderPath}.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref discoveryRequests);
            return MetadataDown ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Text(Discovery(), "application/json");
        });
        app.MapGet($"/{ProviderPath}jwks/", () =>
        {
            Waiter(Interlocked.Increment(ref jwksRequests)).TrySetResult();
            return MetadataDown ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Text(Jwks(), "application/json");
        });
        app.MapPost("/application/o/introspect/", async (HttpRequest request) =>
        {
            Interlocked.Increment(ref introspectionRequests);
            LastIntrospectionAuthorization = request.Headers.Authorization.ToString();
            var form = await request.ReadFormAsync();
            LastIntrospectedToken = form["token"].ToString();
            return IntrospectionDown
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Text(IntrospectionResponse, "application/json");
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        SigningKey.Rsa.Dispose();
    }

    private string Discovery() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["authorization_endpoint"] = new Uri(BaseAddress, "application/o/authorize/").ToString(),
        ["token_endpoint"] = new Uri(BaseAddress, "application/o/token/").ToString(),
        ["introspection_endpoint"] = new Uri(BaseAddress, "application/o/introspect/").ToString(),
        ["jwks_uri"] = new Uri(BaseAddress, ProviderPath + "jwks/").ToString(),
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
    });

    private string Jwks()
    {
        var parameters = SigningKey.Rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new
                {
                    kty = "RSA",
                    use = "sig",
                    alg = "RS256",
                    kid = SigningKey.KeyId,
                    n = Base64UrlEncoder.Encode(parameters.Modulus),
                    e = Base64UrlEncoder.Encode(parameters.Exponent),
                },
            },
        });
    }
}
