using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCodes.Functions.Tests;

public sealed class RejectedEventsFunctionTests : IDisposable
{
    private readonly ProjectorHarness harness = new();

    public void Dispose() => harness.Dispose();

    private static async Task<(int Status, string Body)> RunAsync(Func<Task<IActionResult>> function)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await (await function()).ExecuteResultAsync(new ActionContext { HttpContext = context });
        return (context.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    [Fact]
    public async Task Operators_list_a_rejected_message_and_replay_it()
    {
        await harness.DeliverAsync(ProjectorHarness.Message("""{"specversion":"1.0","id":"evt-poison"}""", messageId: "evt-poison"));
        var functions = new RejectedEvents(harness.Administration);
        var request = new DefaultHttpContext().Request;

        var (listStatus, listBody) = await RunAsync(() => functions.ListAsync(request, CancellationToken.None));
        var (replayStatus, replayBody) = await RunAsync(() => functions.ReplayAsync(request, "evt-poison", CancellationToken.None));
        var (missingStatus, missingBody) = await RunAsync(() => functions.ReplayAsync(request, "no-such-record", CancellationToken.None));

        Assert.Equal(200, listStatus);
        var record = Assert.Single(JsonDocument.Parse(listBody).RootElement.EnumerateArray());
        Assert.Equal("evt-poison", record.GetProperty("record_id").GetString());
        Assert.False(string.IsNullOrEmpty(record.GetProperty("reason").GetString()));
        Assert.Equal(200, replayStatus);
        Assert.StartsWith("""{"applied":0,"ignored":0,"rejected":1,""", replayBody, StringComparison.Ordinal);
        Assert.Equal(404, missingStatus);
        Assert.Equal("""{"detail":"Not found."}""", missingBody);
    }

    [Fact]
    public async Task Operators_page_the_rejected_events()
    {
        await harness.DeliverAsync(ProjectorHarness.Message("""{"specversion":"1.0","id":"evt-1"}""", messageId: "evt-1"));
        await harness.DeliverAsync(ProjectorHarness.Message("""{"specversion":"1.0","id":"evt-2"}""", messageId: "evt-2"));
        var functions = new RejectedEvents(harness.Administration);
        var request = new DefaultHttpContext().Request;
        request.QueryString = new QueryString("?page=2&page_size=1");

        var (status, body) = await RunAsync(() => functions.ListAsync(request, CancellationToken.None));

        Assert.Equal(200, status);
        Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        request.QueryString = new QueryString("?page=0");
        Assert.Equal(400, (await RunAsync(() => functions.ListAsync(request, CancellationToken.None))).Status);
    }
}
