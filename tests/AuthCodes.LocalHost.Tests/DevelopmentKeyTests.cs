using System.Net;
using AuthCodes.Testing;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>The development signing key is trusted in the Development environment and nowhere else.</summary>
public sealed class DevelopmentKeyTests(FakeIssuer issuer) : IClassFixture<FakeIssuer>
{
    private const string List = "/api/v3/oauth2/authorization_codes/";

    private async Task<HttpResponseMessage> ListAsAliceAsync(string environment)
    {
        using var factory = new LocalHostFactory(
            await ContractData.SeedAsync(),
            environment,
            new Dictionary<string, string>
            {
                // A real issuer is configured, and the token names it: only the signing key differs.
                ["Authentication:Issuer"] = issuer.Issuer,
                ["Authentication:RequireHttpsMetadata"] = "false",
            });
        using var client = factory.ClientFor("alice");
        return await client.GetAsync(List);
    }

    [Fact]
    public async Task Development_key_tokens_are_accepted_in_development()
    {
        using var response = await ListAsAliceAsync("Development");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Development_key_tokens_are_refused_outside_development(string environment)
    {
        using var response = await ListAsAliceAsync(environment);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(Q("{'detail':'Token invalid/expired'}"), await response.Content.ReadAsStringAsync());
        Assert.True(issuer.JwksRequests > 0, "outside Development the keys come from the issuer");
    }
}
