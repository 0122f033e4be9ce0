using AuthCodes.Testing;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

/// <summary>The <c>Authorization</c> header as authentik's <c>validate_auth</c> reads it.</summary>
public sealed class HeaderTests : IClassFixture<FakeIssuer>, IAsyncLifetime
{
    private const string NotProvided = "Authentication credentials were not provided.";
    private const string UnsupportedType = "Unsupported authentication type";
    private const string InvalidToken = "Token invalid/expired";

    private readonly FakeIssuer issuer;
    private readonly AuthHarness harness;

    public HeaderTests(FakeIssuer issuer)
    {
        this.issuer = issuer;
        issuer.Reset();
        harness = AuthHarness.Create(AuthHarness.SettingsFor(issuer));
    }

    public Task InitializeAsync() => harness.AddUserAsync(User(1));

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    private string ValidToken() => Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bearer")]
    [InlineData("  Bearer   ")]
    [InlineData("Bearer\tabc.def.ghi")]
    public async Task A_missing_empty_or_spaceless_header_is_not_provided(string? header)
    {
        var outcome = Assert.IsType<Refused>(await harness.AuthenticateAsync(header));
        Assert.Equal(NotProvided, outcome.Detail);
        Assert.Equal(0, issuer.TotalRequests);
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Token abc")]
    [InlineData("Bearer: abc")]
    [InlineData("JWT abc.def.ghi")]
    public async Task A_scheme_other_than_bearer_is_an_unsupported_authentication_type(string header)
    {
        var outcome = Assert.IsType<Refused>(await harness.AuthenticateAsync(header));
        Assert.Equal(UnsupportedType, outcome.Detail);
    }

    [Theory]
    [InlineData("bearer ")]
    [InlineData("BEARER ")]
    [InlineData("  Bearer ")]
    [InlineData("\u001dBearer ")] // python3: '\x1dBearer x'.strip() == 'Bearer x'
    public async Task The_bearer_scheme_is_case_insensitive_and_the_header_is_trimmed(string prefix)
    {
        Assert.Equal(new Authenticated(new Caller(1, false)), await harness.AuthenticateAsync(prefix + ValidToken() + "  "));
    }

    [Fact]
    public async Task A_second_space_becomes_part_of_the_credential_and_makes_it_invalid()
    {
        var outcome = Assert.IsType<Refused>(await harness.AuthenticateAsync("Bearer  " + ValidToken()));
        Assert.Equal(InvalidToken, outcome.Detail);
    }

    [Theory]
    [InlineData("Bearer garbage")]
    [InlineData("Bearer a.b.c")]
    [InlineData("Bearer eyJhbGciOiJSUzI1NiJ9.e30")]
    public async Task A_credential_that_is_not_a_jws_is_an_invalid_token_without_any_request(string header)
    {
        var outcome = Assert.IsType<Refused>(await harness.AuthenticateAsync(header));
        Assert.Equal(InvalidToken, outcome.Detail);
        Assert.Equal(0, issuer.TotalRequests);
    }
}
