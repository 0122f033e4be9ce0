using System.Text;
using System.Text.Json;
using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AuthCodes.Api.Tests;

/// <summary>The handlers both hosts bind: authentication answers, query parsing, failures, health and its probe cache.</summary>
public sealed class AuthorizationCodesApiTests : IDisposable
{
    private readonly ApiComposition api = new(new Dictionary<string, string?> { ["Api:MaxPageSize"] = "2" });

    public void Dispose() => api.Dispose();

    private static HttpRequest Request(string query = "", params string[] authorization)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        if (authorization.Length > 0)
        {
            context.Request.Headers.Authorization = new StringValues(authorization);
        }

        return context.Request;
    }

    private static string Body(ApiResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    private static long[] Pks(ApiResponse response) =>
        [.. JsonDocument.Parse(response.Body).RootElement.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("pk").GetInt64())];

    private static string Pagination(ApiResponse response) =>
        JsonDocument.Parse(response.Body).RootElement.GetProperty("pagination").GetRawText();

    [Fact]
    public async Task Lists_the_callers_codes_with_the_last_value_of_each_parameter_and_the_configured_page_cap()
    {
        await api.SeedAsync();
        api.AuthenticateAs(new Caller(1, IsSuperuser: true));

        var response = await api.Api.ListAsync(Request("?ordering=pk&ordering=-pk&page_size=1&page_size=50", "Bearer first", "Bearer last"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Null(response.RetryAfter);
        Assert.Equal("""{"next":2,"previous":0,"count":3,"current":1,"total_pages":2,"start_index":1,"end_index":2}""", Pagination(response));
        Assert.Equal([3, 2], Pks(response));
        Assert.Contains("\"client_secret\":\"secret-10\"", Body(response), StringComparison.Ordinal);
        await api.Authenticator.Received(1).AuthenticateAsync("Bearer last", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_plain_user_lists_only_their_own_codes_without_secrets()
    {
        await api.SeedAsync();

        var response = await api.Api.ListAsync(Request("?ordering=-pk", "Bearer alice"), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal([2, 1], Pks(response));
        Assert.DoesNotContain("client_secret", Body(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retrieves_a_code_of_the_caller_and_answers_404_for_anyone_elses()
    {
        await api.SeedAsync();

        var own = await api.Api.RetrieveAsync(Request("", "Bearer alice"), "2", CancellationToken.None);
        var other = await api.Api.RetrieveAsync(Request("", "Bearer alice"), "3", CancellationToken.None);

        Assert.Equal((200, 2L), (own.StatusCode, JsonDocument.Parse(own.Body).RootElement.GetProperty("pk").GetInt64()));
        Assert.Equal((404, """{"detail":"Not found."}"""), (other.StatusCode, Body(other)));
    }

    [Fact]
    public async Task Invalid_filters_answer_400_with_field_errors()
    {
        await api.SeedAsync();

        var response = await api.Api.ListAsync(Request("?user=abc", "Bearer alice"), CancellationToken.None);

        Assert.Equal((400, """{"user":["Select a valid choice. That choice is not one of the available choices."]}"""), (response.StatusCode, Body(response)));
    }

    [Fact]
    public async Task A_refused_caller_gets_403_with_the_refusals_detail()
    {
        api.AuthenticateAs(Refused.InvalidToken);

        var response = await api.Api.ListAsync(Request(), CancellationToken.None);

        Assert.Equal((403, """{"detail":"Token invalid/expired"}""", (TimeSpan?)null), (response.StatusCode, Body(response), response.RetryAfter));
        await api.Authenticator.Received(1).AuthenticateAsync(null, Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task An_unreachable_issuer_answers_503_with_its_retry_hint()
    {
        api.AuthenticateAs(new IssuerUnavailable("The token issuer is unavailable.", TimeSpan.FromSeconds(30)));

        var response = await api.Api.RetrieveAsync(Request("", "Bearer x"), "1", CancellationToken.None);

        Assert.Equal((503, """{"detail":"The token issuer is unavailable."}""", (TimeSpan?)TimeSpan.FromSeconds(30)), (response.StatusCode, Body(response), response.RetryAfter));
    }

    [Fact]
    public async Task A_store_outage_answers_503_and_a_bug_500_each_with_one_error_line()
    {
        api.Authenticator.AuthenticateAsync(default, default).ThrowsAsyncForAnyArgs(new StoreUnavailableException("down", new TimeoutException()));
        var outage = await api.Api.ListAsync(Request("", "Bearer x"), CancellationToken.None);
        api.Authenticator.AuthenticateAsync(default, default).ThrowsAsyncForAnyArgs(new InvalidOperationException("a bug"));
        var bug = await api.Api.ListAsync(Request("", "Bearer x"), CancellationToken.None);

        Assert.Equal((503, """{"detail":"The read model is temporarily unavailable."}""", (TimeSpan?)TimeSpan.FromSeconds(5)), (outage.StatusCode, Body(outage), outage.RetryAfter));
        Assert.Equal((500, """{"detail":"A server error occurred."}""", (TimeSpan?)null), (bug.StatusCode, Body(bug), bug.RetryAfter));
        Assert.Equal(
            [(LogLevel.Error, 503, "down"), (LogLevel.Error, 500, "a bug")],
            api.Logs.Collector.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => (r.Level, r.Id.Id, r.Exception?.Message)));
    }

    [Fact]
    public async Task A_cancelled_request_is_not_answered_but_a_cancellation_from_inside_is_a_failure()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        api.Authenticator.AuthenticateAsync(default, default).ThrowsAsyncForAnyArgs(new OperationCanceledException());

        await Assert.ThrowsAsync<OperationCanceledException>(() => api.Api.ListAsync(Request(), cancelled.Token));
        var timedOut = await api.Api.ListAsync(Request(), CancellationToken.None);

        Assert.Equal(500, timedOut.StatusCode);
    }

    [Fact]
    public async Task Health_reports_the_store_and_the_last_applied_event()
    {
        var before = await api.Api.HealthAsync(CancellationToken.None);
        api.Services.GetRequiredService<ProjectionProgress>().Applied(new DateTimeOffset(2024, 9, 13, 14, 5, 42, 243, TimeSpan.Zero).AddTicks(5));
        var after = await api.Api.HealthAsync(CancellationToken.None);

        Assert.Equal((200, """{"status":"healthy","store_reachable":true,"last_event_applied_at":null}"""), (before.StatusCode, Body(before)));
        Assert.Equal((200, """{"status":"healthy","store_reachable":true,"last_event_applied_at":"2024-09-13T14:05:42.243000Z"}"""), (after.StatusCode, Body(after)));
    }

    [Fact]
    public async Task Health_probes_the_store_at_most_once_per_probe_lifetime_and_reads_a_failing_probe_as_unreachable()
    {
        var store = Substitute.For<ICodeReadStore>();
        store.IsReachableAsync(Arg.Any<CancellationToken>()).Returns(true, false);
        using var composition = new ApiComposition();
        var handlers = ActivatorUtilities.CreateInstance<AuthorizationCodesApi>(composition.Services, store);

        var first = await handlers.HealthAsync(CancellationToken.None);
        composition.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        var cached = await handlers.HealthAsync(CancellationToken.None);
        composition.Time.Advance(TimeSpan.FromTicks(1));
        var probedAgain = await handlers.HealthAsync(CancellationToken.None);
        store.IsReachableAsync(Arg.Any<CancellationToken>()).ThrowsAsync(new StoreUnavailableException("down", new TimeoutException()));
        composition.Time.Advance(TimeSpan.FromSeconds(5));
        var failing = await handlers.HealthAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(5), AuthorizationCodesApi.HealthProbeLifetime);
        Assert.Equal([200, 200, 503, 503], new[] { first, cached, probedAgain, failing }.Select(r => r.StatusCode));
        Assert.Equal("""{"status":"unhealthy","store_reachable":false,"last_event_applied_at":null}""", Body(failing));
        await store.Received(3).IsReachableAsync(Arg.Any<CancellationToken>());
        Assert.Contains(composition.Logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Error && r.Exception?.Message == "down");
    }

    [Fact]
    public void Serves_the_embedded_openapi_document_as_it_is()
    {
        var response = AuthorizationCodesApi.OpenApiDocument();

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(OpenApi.Document.ToArray(), response.Body.ToArray());
        Assert.StartsWith("3.1", JsonDocument.Parse(response.Body).RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
    }
}
