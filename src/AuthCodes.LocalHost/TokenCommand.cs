using System.Security.Claims;
using AuthCodes.Api.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.LocalHost;

/// <summary>
/// <c>token --username NAME [--minutes N]</c>: prints a bearer token for NAME signed by the
/// development key, and nothing else on stdout.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "token";

    public static int Run(WebApplicationBuilder builder, TextWriter output, TextWriter error)
    {
        var configuration = builder.Configuration;
        var username = configuration["username"];
        if (string.IsNullOrWhiteSpace(username))
        {
            error.WriteLine("usage: token --username <name> [--minutes <lifetime, default 60>]");
            return 2;
        }

        if (!builder.Environment.IsDevelopment())
        {
            error.WriteLine("The development signing key is only trusted in the Development environment.");
            return 1;
        }

        var options = configuration.GetSection(BearerAuthenticationOptions.SectionName).Get<BearerAuthenticationOptions>() ?? new();
        var lifetime = TimeSpan.FromMinutes(int.TryParse(configuration["minutes"], out var minutes) && minutes > 0 ? minutes : 60);
        var key = DevelopmentSigningKey.LoadOrCreate(DevelopmentSigningKey.PathFrom(configuration));
        output.WriteLine(DevelopmentToken.Create(key, options, username, DateTime.UtcNow, lifetime));
        return 0;
    }
}

/// <summary>A token shaped like an authentik access token of the development provider (subject mode <c>user_username</c>).</summary>
internal static class DevelopmentToken
{
    public const string ApiScope = "goauthentik.io/api";

    public static string Create(SecurityKey key, BearerAuthenticationOptions options, string subject, DateTime issuedAt, TimeSpan lifetime) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Claims = new Dictionary<string, object>
            {
                ["azp"] = options.Audience ?? "",
                ["scope"] = "openid " + ApiScope,
                ["uid"] = Guid.NewGuid().ToString("N"),
            },
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
}
