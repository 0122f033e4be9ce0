using System.Text;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The local host's service composition (<see cref="Program"/>) with a seeded store, a fixed clock and
/// a stub authenticator (<c>Bearer admin</c> is a superuser, <c>Bearer alice</c> is not, anything else
/// is refused). Requests go straight to <see cref="AuthorizationCodesApi"/> and the <see cref="ApiResponse"/>
/// is executed into a <see cref="DefaultHttpContext"/>, so the tests do not depend on route mapping.
/// </summary>
internal sealed class ApiHarness : WebApplicationFactory<Program>
{
    public const string AdminToken = "admin";
    public const string AliceToken = "alice";

    private readonly ReadModelStores store;

    public ApiHarness(ReadModelStores store) => this.store = store;

    /// <summary>The clock the services read, fixed at <see cref="Sample.Now"/> until a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(Sample.Now);

    public AuthorizationCodesApi Api => Services.GetRequiredService<AuthorizationCodesApi>();

    /// <summary>Runs the list handler on <paramref name="rawQuery"/> (without <c>?</c>, sent as is).</summary>
    public async Task<Answer> ListAsync(string rawQuery, string token)
    {
        var context = NewContext(rawQuery, token);
        var response = await Api.ListAsync(context.Request, CancellationToken.None);
        return await ExecuteAsync(response, context);
    }

    public async Task<Answer> RetrieveAsync(string id, string rawQuery, string token)
    {
        var context = NewContext(rawQuery, token);
        var response = await Api.RetrieveAsync(context.Request, id, CancellationToken.None);
        return await ExecuteAsync(response, context);
    }

    public async Task<(string Body, int Status)> HealthAsync()
    {
        var context = NewContext("", "");
        var answer = await ExecuteAsync(await Api.HealthAsync(CancellationToken.None), context);
        return (answer.Body, answer.Status);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureTestServices(services =>
        {
            services.ReplaceReadModelStores(store);
            services.RemoveAll<ICallerAuthenticator>();
            services.AddSingleton<ICallerAuthenticator, StubAuthenticator>();
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    private DefaultHttpContext NewContext(string rawQuery, string token)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString("?" + rawQuery);
        if (token.Length > 0)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    private static async Task<Answer> ExecuteAsync(ApiResponse response, DefaultHttpContext context)
    {
        await response.ExecuteAsync(context);
        var body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        return new Answer(context.Response.StatusCode, context.Response.ContentType, body);
    }

    private sealed class StubAuthenticator : ICallerAuthenticator
    {
        public Task<AuthenticationOutcome> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) =>
            Task.FromResult<AuthenticationOutcome>(authorizationHeader switch
            {
                "Bearer " + AdminToken => new Authenticated(SeededStore.Admin),
                "Bearer " + AliceToken => new Authenticated(SeededStore.Alice),
                null or "" => Refused.NotProvided,
                _ => Refused.InvalidToken,
            });
    }
}

internal sealed record Answer(int Status, string? ContentType, string Body);
