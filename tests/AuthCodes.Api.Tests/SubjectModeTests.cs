using AuthCodes.Testing;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

/// <summary>Each authentik <c>sub_mode</c> maps the token's <c>sub</c> to the right user.</summary>
public sealed class SubjectModeTests(FakeIssuer issuer) : IClassFixture<FakeIssuer>
{
    [Theory]
    [InlineData("hashed_user_id", "uid-0007")]
    [InlineData("user_id", "7")]
    [InlineData("user_uuid", "00000000-0000-4000-8000-000000000007")]
    [InlineData("user_username", "alice")]
    [InlineData("user_email", "alice@example.com")]
    [InlineData("user_upn", "alice@corp.example.com")]
    public async Task The_subject_mode_says_which_user_field_the_sub_claim_names(string mode, string subject)
    {
        var settings = AuthHarness.SettingsFor(issuer);
        settings["Authentication:SubjectMode"] = mode;
        await using var harness = AuthHarness.Create(settings);
        await harness.AddUserAsync(User(7, username: "alice", email: "alice@example.com", attributesJson: """{"upn": "alice@corp.example.com"}"""));
        // A user whose other fields equal the subject, so a wrong mode finds the wrong user or none.
        await harness.AddUserAsync(User(8, username: "uid-0007", email: "7", attributesJson: """{"upn": "alice"}"""));

        var token = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, subject);

        Assert.Equal(new Authenticated(new Caller(7, false)), await harness.AuthenticateBearerAsync(token));
    }
}
