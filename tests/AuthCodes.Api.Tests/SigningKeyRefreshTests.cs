using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthCodes.Api.Authentication;
using AuthCodes.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>
/// When a token's <c>kid</c> makes the validator ask the issuer for fresh keys: only for a kid no key
/// of the cached set has. IdentityModel fetches in the background, but counts each refresh it starts
/// at once, on its own meter, tagged with the metadata address: that count is what is asserted.
/// </summary>
public sealed class SigningKeyRefreshTests : IDisposable
{
    private const string Issuer = "https://two-keys.example.com/application/o/authcodes/";
    private readonly RsaSecurityKey first = new(RSA.Create(2048)) { KeyId = "key-1" };
    private readonly RsaSecurityKey second = new(RSA.Create(2048)) { KeyId = "key-2" };
    private readonly MeterListener listener = new();
    private int refreshRequests;

    public SigningKeyRefreshTests()
    {
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument is { Name: "IdentityModelConfigurationManager", Meter.Name: "MicrosoftIdentityModel_Meter" })
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            // Other test classes validate tokens in parallel: only this issuer's manual refreshes count.
            if (tags.ToArray() is var all
                && all.Contains(new("MetadataAddress", Issuer + ".well-known/openid-configuration"))
                && all.Contains(new("OperationStatus", "Manual")))
            {
                Interlocked.Add(ref refreshRequests, (int)value);
            }
        });
        listener.Start();
    }

    public void Dispose()
    {
        listener.Dispose();
        first.Rsa.Dispose();
        second.Rsa.Dispose();
    }

    [Fact]
    public async Task A_kid_of_either_key_in_the_set_or_no_kid_asks_for_no_refresh_and_an_unknown_kid_asks_once()
    {
        using var endpoint = new KeySetEndpoint(first, second);
        var validator = Validator(endpoint);
        using var unknownRsa = RSA.Create(2048);

        var bySecond = await validator.ValidateAsync(Mint(second), CancellationToken.None);
        var byFirst = await validator.ValidateAsync(Mint(first), CancellationToken.None);
        var withoutKid = await validator.ValidateAsync(Mint(new RsaSecurityKey(first.Rsa)), CancellationToken.None);
        Assert.Equal(0, Volatile.Read(ref refreshRequests));

        var unknown = await validator.ValidateAsync(Mint(new RsaSecurityKey(unknownRsa) { KeyId = "key-3" }), CancellationToken.None);

        Assert.Equal(("uid-0001", "uid-0001", "uid-0001"), (bySecond.Token?.Subject, byFirst.Token?.Subject, withoutKid.Token?.Subject));
        Assert.Equal((null, "SecurityTokenSignatureKeyNotFoundException"), (unknown.Token, unknown.RefusalReason));
        Assert.Equal(1, Volatile.Read(ref refreshRequests));
    }

    private static JwtTokenValidator Validator(KeySetEndpoint endpoint)
    {
        var factory = Substitute.For<IHttpClientFactory>();
        factory.CreateClient(default!).ReturnsForAnyArgs(_ => new HttpClient(endpoint, disposeHandler: false));
        var options = Options.Create(new BearerAuthenticationOptions { Issuer = Issuer, Audience = Tokens.Audience });
        return new JwtTokenValidator(options, new IssuerMetadata(options, factory), new FakeTimeProvider(Sample.Now));
    }

    private static string Mint(RsaSecurityKey key) => Tokens.Mint(Sample.Now, Tokens.Rs256(key), Issuer);

    /// <summary>An issuer's discovery document and a JWKS of the given public keys, served without a network.</summary>
    private sealed class KeySetEndpoint(params RsaSecurityKey[] keys) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.RequestUri!.AbsolutePath.EndsWith("/jwks/", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(new { keys = keys.Select(Jwk) })
                : JsonSerializer.Serialize(new Dictionary<string, object> { ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "jwks/" });
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }

        private static object Jwk(RsaSecurityKey key)
        {
            var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
            return new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) };
        }
    }
}
