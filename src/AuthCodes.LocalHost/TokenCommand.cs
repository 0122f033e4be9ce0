using System.Security.Claims;
using AuthCodes.Api.Authentication;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.LocalHost;

/// <summary>
/// <c>token --username NAME [--minutes N]</c>: prints a bearer token for NAME signed by the
/// development key, and nothing else on stdout. The command has no store, so it asks a running
/// local host (at its <c>Urls</c>) whether the token is accepted and warns on stderr when it is not.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "token";

    public static int Run(WebApplicationBuilder builder, TextWriter output, TextWriter error)
    {
        using var localHost = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) };
        return Run(builder, output, error, localHost);
    }

    public static int Run(WebApplicationBuilder builder, TextWriter output, TextWriter error, HttpMessageHandler localHost)
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
        var token = DevelopmentToken.Create(key, options, username, DateTime.UtcNow, lifetime);
        output.WriteLine(token);
        WarnWhenRefusedAsync(configuration["Urls"], username, token, localHost, error).GetAwaiter().GetResult();
        return 0;
    }

    /// <summary>
    /// The API answers a token for a user it does not know with a bare 403 (callers must not learn why);
    /// here the developer learns it. A host that cannot be reached says nothing: it may not be started yet.
    /// </summary>
    private static async Task WarnWhenRefusedAsync(string? urls, string username, string token, HttpMessageHandler localHost, TextWriter error)
    {
        var url = (urls ?? "http://127.0.0.1:7071").Split(';')[0];
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri))
        {
            return;
        }

        using var client = new HttpClient(localHost, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "api/v3/oauth2/authorization_codes/?page_size=1"));
        request.Headers.Authorization = new("Bearer", token);
        try
        {
            using var response = await client.SendAsync(request);
            if (response.StatusCode == System.Net.HttpStatusCode.Forbidden)
            {
                await error.WriteLineAsync(
                    $"warning: the local host at {baseUri} refuses this token: user '{username}' is not in its read model (load the events first, e.g. sample-events) or is inactive.");
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            // Not running (yet): the token is still good for later.
        }
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
