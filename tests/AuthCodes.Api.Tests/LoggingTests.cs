using AuthCodes.Testing;
using AuthCodes.Api.Authentication;
using Microsoft.Extensions.Logging;
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
    [Fact]
    public async Task Each_answer_is_logged_once_with_its_level_and_reason()
    {
        issuer.Reset();
        await using var harness = AuthHarness.Create(IntrospectionTests.Settings(issuer));
        await harness.AddUserAsync(User(1));
        await harness.AddUserAsync(User(2, isActive: false));
        string Mint(string subject = "uid-0001", TimeSpan? expiresIn = null, object? scope = null, int minutesAgo = 0) =>
            Tokens.Mint(harness.Now.AddMinutes(-minutesAgo), Tokens.Rs256(issuer.SigningKey), issuer.Issuer, subject, expiresIn: expiresIn, scope: scope);

        await harness.AuthenticateAsync(null);
        await harness.AuthenticateAsync("Basic abc");
        await harness.AuthenticateBearerAsync(Tokens.Opaque());
        await harness.AuthenticateBearerAsync(Tokens.Mint(harness.Now, Tokens.Hs256(), issuer.Issuer));
        await harness.AuthenticateBearerAsync(Tokens.Unsigned(harness.Now, issuer.Issuer));
        await harness.AuthenticateBearerAsync(Mint(minutesAgo: 10));
        await harness.AuthenticateBearerAsync(Mint(scope: "openid profile"));
        await harness.AuthenticateBearerAsync(Mint(subject: "uid-0099"));
        await harness.AuthenticateBearerAsync(Mint(subject: "uid-0002"));
        await harness.AuthenticateBearerAsync(Mint());
        issuer.IntrospectionResponse = """{"active": false}""";
        await harness.AuthenticateBearerAsync(Mint(expiresIn: TimeSpan.FromMinutes(4)));
        issuer.IntrospectionDown = true;
        await harness.AuthenticateBearerAsync(Mint(expiresIn: TimeSpan.FromMinutes(3)));

        Assert.Equal(
            [
                (1, LogLevel.Debug, "Authorization header refused: Authentication credentials were not provided."),
                (1, LogLevel.Debug, "Authorization header refused: Unsupported authentication type"),
                (2, LogLevel.Information, "Bearer token refused: not a compact JWS"),
                (2, LogLevel.Information, "Bearer token refused: HS256 token but no shared secret is configured"),
                (2, LogLevel.Information, "Bearer token refused: signature algorithm not accepted"),
                (2, LogLevel.Information, "Bearer token refused: SecurityTokenInvalidLifetimeException"),
                (2, LogLevel.Information, "Bearer token refused: scope claim without goauthentik.io/api"),
                (2, LogLevel.Information, "Bearer token refused: no single user has the token's subject"),
                (5, LogLevel.Information, "Bearer token refused: user 2 is inactive"),
                (4, LogLevel.Debug, "Authenticated user 1 (superuser: False)"),
                (2, LogLevel.Information, "Bearer token refused: introspection: inactive or without goauthentik.io/api"),
                (3, LogLevel.Warning, "Token issuer unavailable; answering 503"),
            ],
            harness.Logs.Collector.GetSnapshot().Where(r => r.Category == typeof(JwtCallerAuthenticator).FullName).Select(r => (r.Id.Id, r.Level, r.Message)));
    }
}
