using System.Text;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AuthCodes.Api.Tests;

/// <summary>The bytes and headers both hosts send for a response, and how failures become one.</summary>
public sealed class ApiResponseTests
{
    private static string Body(ApiResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    private static async Task<(HttpResponse Response, string Body)> ExecuteAsync(Func<HttpContext, Task> execute)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await execute(context);
        return (context.Response, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task Writes_status_json_content_type_length_and_body()
    {
        var (response, body) = await ExecuteAsync(ApiResponse.Detail(404, "Not found.").ExecuteAsync);

        Assert.Equal((404, "application/json", 23L, """{"detail":"Not found."}"""), (response.StatusCode, response.ContentType, response.ContentLength, body));
        Assert.False(response.Headers.ContainsKey("Retry-After"));
    }

    [Theory]
    [InlineData(5_000, "5")]
    [InlineData(1_200, "2")] // whole seconds, rounded up: retrying early only fails again
    [InlineData(1, "1")]
    public async Task Writes_retry_after_in_whole_seconds_rounded_up(int milliseconds, string expected)
    {
        var (response, _) = await ExecuteAsync(ApiResponse.Detail(503, "later", TimeSpan.FromMilliseconds(milliseconds)).ExecuteAsync);

        Assert.Equal(expected, response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Executes_as_an_mvc_result_with_the_same_bytes()
    {
        var answer = ApiResponse.Detail(503, "later", TimeSpan.FromSeconds(3));

        var (response, body) = await ExecuteAsync(context => answer.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor())));

        Assert.Equal((503, "application/json", "3", """{"detail":"later"}"""), (response.StatusCode, response.ContentType, response.Headers.RetryAfter.ToString(), body));
    }

    [Fact]
    public void Raw_bodies_are_sent_as_they_are()
    {
        var response = ApiResponse.Raw(200, "{ \"a\" : 1 }"u8.ToArray());

        Assert.Equal((200, "{ \"a\" : 1 }", (TimeSpan?)null), (response.StatusCode, Body(response), response.RetryAfter));
    }

    [Fact]
    public void Query_outcomes_map_to_their_statuses()
    {
        var errors = ApiResponse.From(new FieldErrorsOutcome([new("provider", "Select a valid choice.")]));
        var invalidPage = ApiResponse.From(NotFoundOutcome.InvalidPage);

        Assert.Equal((400, """{"provider":["Select a valid choice."]}"""), (errors.StatusCode, Body(errors)));
        Assert.Equal((404, """{"detail":"Invalid page."}"""), (invalidPage.StatusCode, Body(invalidPage)));
        var unknown = Assert.Throws<ArgumentOutOfRangeException>(() => ApiResponse.From(new UnknownOutcome()));
        Assert.Equal(("outcome", "Unknown outcome. (Parameter 'outcome')\nActual value was UnknownOutcome { }."), (unknown.ParamName, unknown.Message.ReplaceLineEndings("\n")));
    }

    private sealed record UnknownOutcome : QueryOutcome;

    [Fact]
    public void A_snapshot_conflict_is_answered_as_an_outage_and_null_is_a_programming_error()
    {
        using var logs = new FakeLoggerProvider();
        var logger = logs.CreateLogger("test");

        var conflict = FailureResponse.For(new SnapshotConflictException(EntityKey.Code(1)), logger, "Try again.");

        Assert.Equal((503, """{"detail":"Try again."}""", (TimeSpan?)TimeSpan.FromSeconds(5)), (conflict.StatusCode, Body(conflict), conflict.RetryAfter));
        Assert.Equal(503, Assert.Single(logs.Collector.GetSnapshot()).Id.Id);
        Assert.Throws<ArgumentNullException>(() => FailureResponse.For(null!, logger, "Try again."));
    }
}
