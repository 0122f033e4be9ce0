using System.Net;
using System.Text;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NSubstitute;
using NSubstitute.ExceptionExtensions;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// Over real HTTP: a store outage (<see cref="StoreUnavailableException"/>) is answered 503 with a
/// retry hint; any other exception is a bug, answered 500 with DRF's generic detail. Both log the
/// exception once at Error and never put it in the body.
/// </summary>
public sealed class StoreFailureTests
{
    private const string ListUrl = "/api/v3/oauth2/authorization_codes/";

    public static TheoryData<string, Exception, HttpStatusCode, string?, string> ListFailures => new()
    {
        { "unavailable", new StoreUnavailableException("The store did not answer."), HttpStatusCode.ServiceUnavailable, "5", """{"detail":"The read model is temporarily unavailable."}""" },
        { "bug", new InvalidOperationException("a bug"), HttpStatusCode.InternalServerError, null, """{"detail":"A server error occurred."}""" },
    };

    public static TheoryData<string, Exception, HttpStatusCode, string?, string> IntakeFailures => new()
    {
        { "unavailable", new StoreUnavailableException("The store did not answer."), HttpStatusCode.ServiceUnavailable, "5", """{"detail":"The read model is temporarily unavailable; send the events again."}""" },
        { "bug", new InvalidOperationException("a bug"), HttpStatusCode.InternalServerError, null, """{"detail":"A server error occurred."}""" },
    };

    [Theory]
    [MemberData(nameof(ListFailures))]
    public async Task A_failing_store_read_answers_the_list_by_its_kind(string kind, Exception failure, HttpStatusCode status, string? retryAfter, string body)
    {
        var codes = Substitute.For<ICodeReadStore>();
        var alice = Sample.User(7, username: "alice");
        codes.FindUserAsync(Arg.Any<SubjectMode>(), "alice", Arg.Any<CancellationToken>()).Returns(alice);
        codes.CountCodesAsync(Arg.Any<CodeFilter>(), Arg.Any<CancellationToken>()).ThrowsAsync(failure);
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create() with { Codes = codes });
        using var host = WithFakeLogging(factory);
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", factory.TokenFor("alice"));

        var response = await client.GetAsync(ListUrl);

        await AssertAnsweredAsync(response, status, retryAfter, body);
        AssertLoggedOnce(host, failure, kind);
    }

    [Theory]
    [MemberData(nameof(IntakeFailures))]
    public async Task A_failing_store_write_answers_the_intake_by_its_kind(string kind, Exception failure, HttpStatusCode status, string? retryAfter, string body)
    {
        var snapshots = Substitute.For<ISnapshotStore>();
        snapshots.GetSnapshotAsync(Arg.Any<EntityKey>(), Arg.Any<CancellationToken>()).ThrowsAsync(failure);
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create() with { Snapshots = snapshots });
        using var host = WithFakeLogging(factory);
        using var client = host.CreateClient();
        using var content = new StringContent(EventIntakeTests.UserEvent, Encoding.UTF8, CloudEventContentTypes.Single);

        var response = await client.PostAsync("/api/events", content);

        await AssertAnsweredAsync(response, status, retryAfter, body);
        AssertLoggedOnce(host, failure, kind);
    }

    private static Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> WithFakeLogging(LocalHostFactory factory) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddFakeLogging()));

    private static async Task AssertAnsweredAsync(HttpResponseMessage response, HttpStatusCode status, string? retryAfter, string body)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.ToString());
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
    }

    private static void AssertLoggedOnce(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> host, Exception failure, string kind)
    {
        var errors = host.Services.GetFakeLogCollector().GetSnapshot().Where(r => r.Level >= LogLevel.Error).ToList();
        Assert.Same(failure, Assert.Single(errors).Exception);
        Assert.Contains(kind == "bug" ? "answered 500" : "answered 503", errors[0].Message, StringComparison.Ordinal);
    }
}
