using AuthCodes.Testing;
using AuthCodes.Api.Authentication;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

public sealed class LoggingTests(FakeIssuer issuer) : IClassFixture<FakeIssuer>
{
    [Fact]
    public async Task No_log_line_contains_a_token_a_secret_or_the_header()
    {
        issuer.Reset();
        var settings = IntrospectionTests.Settings(issuer);
        settings["Authentication:SharedSecret"] = Tokens.SharedSecret;
        await using var harness = AuthHarness.Create(settings);
        await harness.AddUserAsync(User(1));
        await harness.AddUserAsync(User(2, isActive: false));

        var valid = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer);
        var inactiveUser = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, subject: "uid-0002");
        var expired = Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, expiresIn: TimeSpan.FromMinutes(-5), notBeforeIn: TimeSpan.FromMinutes(-10));
        var hs256WrongSecret = Tokens.Mint(harness.Now, Tokens.Hs256(Tokens.SharedSecret + "x"), issuer.Issuer);
        var opaque = Tokens.Opaque();
        var introspectedDown = Tokens.Mint(harness.Now.AddSeconds(1), Tokens.Rs256(issuer.SigningKey), issuer.Issuer);
        var tokens = new[] { valid, inactiveUser, expired, hs256WrongSecret, opaque, introspectedDown };

        Assert.IsType<Authenticated>(await harness.AuthenticateBearerAsync(valid));
        Assert.IsType<Refused>(await harness.AuthenticateBearerAsync(inactiveUser));
        Assert.IsType<Refused>(await harness.AuthenticateBearerAsync(expired));
        Assert.IsType<Refused>(await harness.AuthenticateBearerAsync(hs256WrongSecret));
        Assert.IsType<Refused>(await harness.AuthenticateBearerAsync(opaque));
        Assert.IsType<Refused>(await harness.AuthenticateAsync("Basic " + opaque));
        issuer.IntrospectionDown = true;
        Assert.IsType<IssuerUnavailable>(await harness.AuthenticateBearerAsync(introspectedDown));

        var records = harness.Logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        // Every part of a token is secret enough: the signature alone replays nothing, but the
        // payload and header identify it; check each segment longer than a few characters.
        var secrets = tokens
            .SelectMany(token => token.Split('.'))
            .Where(segment => segment.Length > 8)
            .Append(Tokens.SharedSecret)
            .Append(FakeIssuer.IntrospectionClientSecret)
            .ToList();
        foreach (var record in records)
        {
            var text = string.Join(
                "\n",
                new[] { record.Message, record.Exception?.ToString() }
                    .Concat(record.StructuredState?.Select(pair => $"{pair.Key}={pair.Value}") ?? []));
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }
}
