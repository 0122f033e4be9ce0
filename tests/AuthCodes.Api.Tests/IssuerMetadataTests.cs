using System.Net;
using System.Security.Cryptography;
using AuthCodes.Api.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>Where the issuer's documents are fetched from, and what makes the issuer unreachable.</summary>
public sealed class IssuerMetadataTests : IDisposable
{
    private readonly ScriptedEndpoint endpoint = new();
    private readonly IHttpClientFactory factory = Substitute.For<IHttpClientFactory>();

    public IssuerMetadataTests() => factory.CreateClient(default!).ReturnsForAnyArgs(_ => new HttpClient(endpoint, disposeHandler: false));

    public void Dispose() => endpoint.Dispose();

    [Theory]
    [InlineData("https://auth.example.com/application/o/authcodes/", null, "https://auth.example.com/application/o/authcodes/.well-known/openid-configuration")]
    [InlineData("https://auth.example.com/application/o/authcodes", null, "https://auth.example.com/application/o/authcodes/.well-known/openid-configuration")]
    [InlineData("https://auth.example.com/application/o/authcodes/", "https://meta.example.com/openid", "https://meta.example.com/openid")]
    public void The_metadata_address_is_the_configured_one_or_under_the_issuer(string issuer, string? configured, string expected)
    {
        Assert.Equal(expected, IssuerMetadata.MetadataAddressOf(new BearerAuthenticationOptions { Issuer = issuer, MetadataAddress = configured }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task Trusted_keys_without_a_metadata_address_discover_nothing(string? address)
    {
        using var rsa = RSA.Create(2048);
        var options = new BearerAuthenticationOptions { Issuer = "https://auth.example.com/application/o/authcodes/", MetadataAddress = address };
        options.TrustedSigningKeys.Add(new RsaSecurityKey(rsa));
        var metadata = new IssuerMetadata(Options.Create(options), factory);

        var error = await Assert.ThrowsAsync<IssuerUnreachableException>(() => metadata.GetAsync(CancellationToken.None));

        Assert.Equal("No issuer metadata address is configured.", error.Message);
        Assert.Equal(0, endpoint.Requests);
    }

    [Fact]
    public async Task An_issuer_that_cannot_serve_its_metadata_is_unreachable()
    {
        endpoint.Answer("{}", HttpStatusCode.BadGateway);
        var metadata = new IssuerMetadata(Options.Create(new BearerAuthenticationOptions { Issuer = "https://auth.example.com/application/o/authcodes/" }), factory);

        var error = await Assert.ThrowsAsync<IssuerUnreachableException>(() => metadata.GetAsync(CancellationToken.None));

        Assert.Equal("The issuer's metadata or signing keys could not be fetched.", error.Message);
        Assert.Equal(new Uri("https://auth.example.com/application/o/authcodes/.well-known/openid-configuration"), endpoint.LastUri);
    }

    [Fact]
    public async Task A_cancelled_caller_is_not_told_the_issuer_is_unreachable()
    {
        var metadata = new IssuerMetadata(Options.Create(new BearerAuthenticationOptions { Issuer = "https://auth.example.com/application/o/authcodes/" }), factory);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => metadata.GetAsync(cancelled.Token));
    }

    [Fact]
    public async Task A_failure_while_the_caller_cancels_is_still_the_issuers()
    {
        using var caller = new CancellationTokenSource();
        factory.CreateClient(default!).ReturnsForAnyArgs(_ =>
        {
            caller.Cancel(); // the caller gives up while the issuer is being asked
            return new HttpClient(endpoint, disposeHandler: false);
        });
        endpoint.Answer("{}", HttpStatusCode.BadGateway);
        var metadata = new IssuerMetadata(Options.Create(new BearerAuthenticationOptions { Issuer = "https://auth.example.com/application/o/authcodes/" }), factory);

        var error = await Assert.ThrowsAsync<IssuerUnreachableException>(() => metadata.GetAsync(caller.Token));

        Assert.Equal("The issuer's metadata or signing keys could not be fetched.", error.Message);
    }

    [Fact]
    public async Task The_retriever_refuses_plain_http_when_https_is_required_and_reports_a_failed_status()
    {
        var strict = new IssuerDocumentRetriever(factory, requireHttps: true);
        var lenient = new IssuerDocumentRetriever(factory, requireHttps: false);
        endpoint.Answer("{}", HttpStatusCode.NotFound);

        var plain = await Assert.ThrowsAsync<IssuerUnreachableException>(() => strict.GetDocumentAsync("http://auth.example.com/meta?x=1", CancellationToken.None));
        var missing = await Assert.ThrowsAsync<IssuerUnreachableException>(() => lenient.GetDocumentAsync("http://auth.example.com/meta?x=1", CancellationToken.None));
        endpoint.Answer("""{"issuer":"x"}""");

        Assert.Equal("Issuer document address 'http://auth.example.com/meta' is not HTTPS.", plain.Message);
        Assert.Equal("Issuer document 'http://auth.example.com/meta' answered 404.", missing.Message);
        Assert.Equal("""{"issuer":"x"}""", await lenient.GetDocumentAsync("http://auth.example.com/meta", CancellationToken.None));
        Assert.Equal(2, endpoint.Requests);
    }
}
