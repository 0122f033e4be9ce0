using System.Net;
using System.Text;
using AuthCodes.Api.Authentication;
using AuthCodes.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>
/// The introspection client against a scripted endpoint: what it sends, how long a verdict is kept
/// (never past the token's or the answer's <c>exp</c>), and which failures make the issuer unreachable.
/// </summary>
public sealed class TokenIntrospectorTests : IDisposable
{
    private const string Endpoint = "https://auth.example.com/application/o/introspect/";
    private static readonly DateTimeOffset TokenExpires = Sample.Now.AddMinutes(5);
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ScriptedEndpoint endpoint = new();
    private TokenIntrospector? introspector;

    public void Dispose()
    {
        introspector?.Dispose();
        endpoint.Dispose();
    }

    private TokenIntrospector Introspector(string? address = Endpoint, bool requireHttps = true, string? issuer = null, int? cacheSize = null)
    {
        var options = new BearerAuthenticationOptions { Issuer = issuer, RequireHttpsMetadata = requireHttps };
        options.Introspection.CacheSize = cacheSize ?? options.Introspection.CacheSize;
        options.Introspection.Enabled = true;
        options.Introspection.ClientId = "client";
        options.Introspection.ClientSecret = "sécret";
        options.Introspection.Endpoint = address;
        var factory = Substitute.For<IHttpClientFactory>();
        factory.CreateClient(default!).ReturnsForAnyArgs(_ => new HttpClient(endpoint, disposeHandler: false));
        introspector = new TokenIntrospector(Options.Create(options), factory, new IssuerMetadata(Options.Create(options), factory), time);
        return introspector;
    }

    private Task<bool> IsActiveAsync(string token = "token-1") => introspector!.IsActiveAsync(token, TokenExpires, CancellationToken.None);

    [Fact]
    public async Task Posts_the_token_with_its_type_hint_and_basic_client_credentials_as_they_are()
    {
        Introspector();
        endpoint.Answer("""{"active": true}""");

        Assert.True(await IsActiveAsync("a+b c"));

        Assert.Equal((HttpMethod.Post, new Uri(Endpoint)), (endpoint.LastMethod, endpoint.LastUri));
        Assert.Equal("token=a%2Bb+c&token_type_hint=access_token", endpoint.LastBody);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("client:sécret")), endpoint.LastAuthorization);
    }

    [Theory]
    [InlineData("""{"active": true, "exp": 1726236352}""", 9.757)] // Sample.Now (14:05:42.243) + 9.757 s
    [InlineData("""{"active": true, "exp": 1726236742}""", 60)] // later than the positive cache duration
    [InlineData("""{"active": true, "exp": 1726236642}""", 60)] // later than the positive duration, earlier than the token
    [InlineData("""{"active": true, "exp": "1726236352"}""", 60)] // not a number: ignored
    [InlineData("""{"active": true, "exp": 0}""", 60)]
    [InlineData("""{"active": true, "exp": -1}""", 60)]
    [InlineData("""{"active": true, "exp": 253402300799}""", 60)] // the last second .NET can hold: later than the rest
    [InlineData("""{"active": true, "exp": 253402300800}""", 60)] // beyond it: ignored
    [InlineData("""{"active": false}""", 30)] // the negative cache duration
    public async Task A_verdict_is_kept_until_the_earliest_of_its_bounds(string answer, double seconds)
    {
        Introspector();
        endpoint.Answer(answer);

        var first = await IsActiveAsync();
        time.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromTicks(1));
        Assert.Equal(first, await IsActiveAsync());
        Assert.Equal(1, endpoint.Requests);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(first, await IsActiveAsync());

        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task A_verdict_is_never_kept_past_the_tokens_expiry()
    {
        Introspector();
        endpoint.Answer("""{"active": true, "exp": 1726236742}""");

        await introspector!.IsActiveAsync("short", Sample.Now.AddSeconds(20), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(20));
        await introspector.IsActiveAsync("short", Sample.Now.AddSeconds(20), CancellationToken.None);

        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task A_verdict_that_has_already_ended_is_not_kept()
    {
        Introspector();
        endpoint.Answer("""{"active": true, "exp": 1726236342}""");

        await IsActiveAsync();
        await IsActiveAsync();

        Assert.Equal(2, endpoint.Requests);
    }

    [Fact]
    public async Task Each_token_has_its_own_verdict()
    {
        Introspector();
        endpoint.Answer("""{"active": true}""");
        Assert.True(await IsActiveAsync("token-1"));
        endpoint.Answer("""{"active": false}""");

        Assert.False(await IsActiveAsync("token-2"));
        Assert.True(await IsActiveAsync("token-1"));
        Assert.Equal(2, endpoint.Requests);
    }

    [Theory]
    [InlineData(1, 3)] // the second token's verdict does not fit beside the first: it is asked for again
    [InlineData(2, 2)]
    public async Task Verdicts_are_kept_up_to_the_cache_size(int cacheSize, int requests)
    {
        Introspector(cacheSize: cacheSize);
        endpoint.Answer("""{"active": true}""");

        Assert.True(await IsActiveAsync("token-1"));
        Assert.True(await IsActiveAsync("token-2"));
        Assert.True(await IsActiveAsync("token-2"));

        Assert.Equal(requests, endpoint.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, "{}", "The introspection endpoint answered 500.")]
    [InlineData(HttpStatusCode.Unauthorized, "{}", "The introspection endpoint answered 401.")]
    [InlineData(HttpStatusCode.OK, "not json", "The introspection endpoint could not be used.")]
    public async Task An_endpoint_that_gives_no_verdict_is_unreachable(HttpStatusCode status, string body, string message)
    {
        Introspector();
        endpoint.Answer(body, status);

        var error = await Assert.ThrowsAsync<IssuerUnreachableException>(() => IsActiveAsync());

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task A_connection_failure_or_a_timeout_is_unreachable_and_the_callers_cancellation_is_not()
    {
        Introspector();
        endpoint.Fail(new HttpRequestException("refused"));
        Assert.Equal("The introspection endpoint could not be used.", (await Assert.ThrowsAsync<IssuerUnreachableException>(() => IsActiveAsync())).Message);
        endpoint.Fail(new TaskCanceledException("timed out"));
        Assert.Equal("The introspection endpoint could not be used.", (await Assert.ThrowsAsync<IssuerUnreachableException>(() => IsActiveAsync())).Message);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => introspector!.IsActiveAsync("token-1", TokenExpires, cancelled.Token));
    }

    [Theory]
    [InlineData("http://auth.example.com/introspect/", true, "The introspection endpoint is not HTTPS.")]
    [InlineData("not an address", false, "The issuer publishes no usable introspection endpoint.")]
    public async Task An_unusable_endpoint_is_unreachable_without_a_request(string address, bool requireHttps, string message)
    {
        Introspector(address, requireHttps);

        var error = await Assert.ThrowsAsync<IssuerUnreachableException>(() => IsActiveAsync());

        Assert.Equal(message, error.Message);
        Assert.Equal(0, endpoint.Requests);
    }

    [Fact]
    public async Task A_plain_http_endpoint_is_used_when_https_is_not_required()
    {
        Introspector("http://localhost/introspect/", requireHttps: false);
        endpoint.Answer("""{"active": true}""");

        Assert.True(await IsActiveAsync());
        Assert.Equal(new Uri("http://localhost/introspect/"), endpoint.LastUri);
    }

    [Fact]
    public async Task A_configured_endpoint_needs_no_discovery()
    {
        Introspector(issuer: "https://unreachable.invalid/application/o/authcodes/");
        endpoint.Answer("""{"active": true}""");

        Assert.True(await IsActiveAsync());
        Assert.Equal(1, endpoint.Requests);
    }
}
