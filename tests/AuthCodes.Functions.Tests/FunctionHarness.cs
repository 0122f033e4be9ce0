using System.Text;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Functions.Tests;

/// <summary>
/// The function classes as the worker would run them, minus the host: activated from a container of
/// the real API services, an embedded store, a substituted authenticator and a fake clock; invoked
/// with a <see cref="DefaultHttpContext"/>; their <see cref="IActionResult"/> executed as MVC does.
/// </summary>
internal sealed class FunctionHarness : IDisposable
{
    private readonly ServiceProvider services;

    public FunctionHarness(ReadModelStores? store = null)
    {
        Store = store ?? EmbeddedReadModelStore.Create();
        services = new ServiceCollection()
            .AddFakeLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton<TimeProvider>(Clock)
            .ReplaceReadModelStores(Store)
            .AddSingleton(Authenticator)
            .AddAuthorizationCodesApi()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public ReadModelStores Store { get; }

    public FakeLogCollector Logs => services.GetFakeLogCollector();

    public FakeTimeProvider Clock { get; } = new(Sample.Now);

    public ICallerAuthenticator Authenticator { get; } = Substitute.For<ICallerAuthenticator>();

    /// <summary>Every request is authenticated as <paramref name="caller"/>.</summary>
    public void AuthenticateAs(Caller caller) => AuthenticateAs(new Authenticated(caller));

    public void AuthenticateAs(AuthenticationOutcome outcome) =>
        Authenticator.AuthenticateAsync(Arg.Any<string?>(), Arg.Any<CancellationToken>()).Returns(outcome);

    /// <summary>A provider (secret <c>secret-{pk}</c>), a user and a code, saved as the projector would.</summary>
    public async Task SeedAsync(params CodeDocument[] codes)
    {
        foreach (var code in codes)
        {
            await Store.Views.SaveProviderAsync(code.Provider, $"secret-{code.Provider.Pk}", CancellationToken.None);
            await Store.Views.SaveUserAsync(code.User, CancellationToken.None);
            await Store.Views.SaveCodeAsync(code, CancellationToken.None);
        }
    }

    public T Function<T>() => ActivatorUtilities.CreateInstance<T>(services);

    public static HttpContext Request(string queryString = "", string? authorization = "Bearer token")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.QueryString = new QueryString(queryString);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        context.Response.Body = new MemoryStream();
        return context;
    }

    public static async Task<Written> ExecuteAsync(HttpContext context, IActionResult result)
    {
        await result.ExecuteResultAsync(new ActionContext { HttpContext = context });
        var body = ((MemoryStream)context.Response.Body).ToArray();
        return new Written(
            context.Response.StatusCode,
            context.Response.ContentType,
            context.Response.Headers.RetryAfter.ToString(),
            Encoding.UTF8.GetString(body));
    }

    public void Dispose() => services.Dispose();
}

/// <summary>What a function wrote to the response.</summary>
internal sealed record Written(int Status, string? ContentType, string RetryAfter, string Body);

internal static class Json
{
    /// <summary>
    /// Expected JSON written over several lines for reading: each line's indentation and line break
    /// are dropped, nothing else, so the result is compared byte for byte with what was written.
    /// </summary>
    public static string Lines(string text) =>
        string.Concat(text.Split('\n').Select(line => line.Trim()));
}
