using System.Text;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.Contract;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// The app's composition (<c>AddAuthorizationCodesServices</c>, as <c>Program.cs</c> calls it): a user
/// change the projector applies reaches the caller cache at once, without waiting out its window.
/// </summary>
public sealed class CallerCacheWiringTests
{
    private const string Issuer = "https://auth.example.com/application/o/authcodes/";
    private const string Audience = "authcodes";
    private const string SharedSecret = "hs256-client-secret-that-is-long-enough-0123456789abcdef";

    [Fact]
    public async Task A_user_deactivated_by_the_projector_is_refused_on_the_next_request()
    {
        var clock = new FakeTimeProvider(Sample.Now);
        using var services = new ServiceCollection()
            .AddFakeLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Events:Source"] = ProjectorHarness.Source,
                ["Authentication:Issuer"] = Issuer,
                ["Authentication:Audience"] = Audience,
                ["Authentication:SharedSecret"] = SharedSecret,
                ["Authentication:SubjectMode"] = "user_username",
            }).Build())
            .AddAuthorizationCodesServices()
            .RequireEventSource()
            .ReplaceReadModelStores(EmbeddedReadModelStore.Create(clock))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var intake = services.GetRequiredService<ChangeEventIntake>();
        var authenticator = services.GetRequiredService<ICallerAuthenticator>();
        var header = "Bearer " + Token("alice", clock.GetUtcNow());
        await intake.HandleAsync(BinaryData.FromString(ChangeEvents.User(42, "alice").ToJsonString()), CancellationToken.None);
        Assert.IsType<Authenticated>(await authenticator.AuthenticateAsync(header, CancellationToken.None)); // now remembered for 30 s

        var deactivated = ChangeEvents.User(42, "alice")["data"]!.AsObject().DeepClone().AsObject();
        deactivated["is_active"] = false;
        var saved = ChangeEvents.Envelope(EntityNames.User, ChangeEventType.Saved, "42", deactivated, ChangeEvents.Version + 1);
        Assert.Equal(OutcomeKind.Applied, (await intake.HandleAsync(BinaryData.FromString(saved.ToJsonString()), CancellationToken.None)).Kind);

        Assert.Equal(Refused.InvalidToken, await authenticator.AuthenticateAsync(header, CancellationToken.None));
    }

    private static string Token(string subject, DateTimeOffset now) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Subject = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", subject)]),
        Claims = new Dictionary<string, object> { ["azp"] = Audience, ["uid"] = "access-token-1" }, // an authentik access token, not an ID token
        IssuedAt = now.UtcDateTime,
        NotBefore = now.UtcDateTime,
        Expires = now.AddMinutes(5).UtcDateTime,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SharedSecret)), SecurityAlgorithms.HmacSha256),
    });
}
