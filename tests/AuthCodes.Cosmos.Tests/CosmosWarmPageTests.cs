using System.Text;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// What a list page costs in Cosmos round trips through the whole API (JWT authentication, caller
/// look-up, queries), counted by a handler in front of the SDK's transport: once the caller is
/// remembered, a page is at most count, page and secrets.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosWarmPageTests(LocalCosmosServer server, ITestOutputHelper output)
{
    private const string Issuer = "https://auth.example.com/application/o/authcodes/";
    private const string Audience = "authcodes";
    private const string SharedSecret = "hs256-client-secret-that-is-long-enough-0123456789abcdef";

    [Fact]
    public async Task A_warm_superuser_page_costs_at_most_count_page_and_secrets()
    {
        var clock = new FakeTimeProvider(Sample.Now);
        var counter = new RoundTripCounter();
        using var client = CosmosServiceCollectionExtensions.CreateClient(server.Options("unused", "unused"), options =>
        {
            options.CustomHandlers.Add(counter); // outermost: sees the test-only query-plan requests too, and tells them apart
            server.ConfigureClient(options);
        });
        var store = await CosmosStores.CreateAsync(server, "warm-page", clock, client);
        await SeedAsync(store);
        using var services = Compose(store, clock);
        var api = services.GetRequiredService<AuthorizationCodesApi>();
        var token = Token("akadmin", clock.GetUtcNow());

        var cold = await RoundTripsAsync(api, counter, token);
        var warm = await RoundTripsAsync(api, counter, token); // caller and count remembered
        clock.Advance(TimeSpan.FromSeconds(16)); // past the count's 15 s, within the caller's 30 s
        var countExpired = await RoundTripsAsync(api, counter, token);

        output.WriteLine($"data round trips: cold {cold.Data}, warm {warm.Data}, count expired {countExpired.Data}; query plans asked (test server only): {cold.Plans}, {warm.Plans}, {countExpired.Plans}");
        Assert.Equal(cold.Body, warm.Body);
        Assert.Equal(cold.Body, countExpired.Body);
        Assert.InRange(warm.Data, 1, 3);
        Assert.InRange(countExpired.Data, 1, 3);
        Assert.Equal(cold.Data - 1, countExpired.Data); // the one round trip the caller cache saves: the user look-up
    }

    private static async Task SeedAsync(ReadModelStores store)
    {
        var admins = Sample.Group(Sample.AdminsGroup, "admins", isSuperuser: true);
        var admin = Sample.User(1, username: "akadmin", isSuperuser: true, groups: [admins]);
        var alice = Sample.User(2, username: "alice");
        await store.Views.SaveUserAsync(admin, CancellationToken.None);
        await store.Views.SaveUserAsync(alice, CancellationToken.None);
        foreach (var provider in new[] { Sample.Provider(1), Sample.Provider(2) })
        {
            await store.Views.SaveProviderAsync(provider, $"secret-{provider.Pk}", CancellationToken.None);
        }

        foreach (var pk in Enumerable.Range(1, 30))
        {
            await store.Views.SaveCodeAsync(
                Sample.Code(pk, Sample.Provider(1 + (pk % 2)), pk % 3 == 0 ? admin : alice, Sample.Now.AddMinutes(pk)), CancellationToken.None);
        }
    }

    private static ServiceProvider Compose(ReadModelStores store, TimeProvider clock) => new ServiceCollection()
        .AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance)
        .AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
        .AddSingleton(clock)
        .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Issuer"] = Issuer,
            ["Authentication:Audience"] = Audience,
            ["Authentication:SharedSecret"] = SharedSecret,
            ["Authentication:SubjectMode"] = "user_username",
        }).Build())
        .ReplaceReadModelStores(store)
        .AddAuthorizationCodesServices()
        .BuildServiceProvider();

    private static async Task<(int Data, int Plans, string Body)> RoundTripsAsync(AuthorizationCodesApi api, RoundTripCounter counter, string token)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?page_size=20");
        context.Request.Headers.Authorization = "Bearer " + token;
        context.Response.Body = new MemoryStream();
        var (data, plans) = counter.Take();

        var response = await api.ListAsync(context.Request, CancellationToken.None);

        var (afterData, afterPlans) = counter.Take();
        await response.ExecuteAsync(context);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        return (afterData - data, afterPlans - plans, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    private static string Token(string subject, DateTimeOffset now) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Claims = new Dictionary<string, object> { ["sub"] = subject, ["azp"] = Audience, ["uid"] = "access-token-1" }, // an authentik access token, not an ID token
        IssuedAt = now.UtcDateTime,
        NotBefore = now.UtcDateTime,
        Expires = now.AddMinutes(5).UtcDateTime,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SharedSecret)), SecurityAlgorithms.HmacSha256),
    });

    /// <summary>Counts requests on their way to the account; a query-plan request is counted apart (the test server's stand-in answers it).</summary>
    private sealed class RoundTripCounter : RequestHandler
    {
        private int data;
        private int plans;

        public (int Data, int Plans) Take() => (Volatile.Read(ref data), Volatile.Read(ref plans));

        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
        {
            var isPlan = string.Equals(request.Headers["x-ms-cosmos-is-query-plan-request"], "True", StringComparison.OrdinalIgnoreCase);
            Interlocked.Increment(ref isPlan ? ref plans : ref data);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
