using System.Text;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>The operators' routes over rejected events and the intake's outcome answer, as both hosts serve them.</summary>
public sealed class EventAdministrationTests : IDisposable
{
    private readonly ApiComposition api = new();

    public void Dispose() => api.Dispose();

    private static string Body(ApiResponse response) => Encoding.UTF8.GetString(response.Body.Span);

    private static QueryCollection Query(params (string Name, string Value)[] parameters) =>
        new(parameters.ToDictionary(p => p.Name, p => new StringValues(p.Value)));

    private static RejectedEvent Rejected(int n) =>
        new($"record-{n}", $"evt-{n}", "io.goauthentik.user.saved", $"user/{n}", "missing data", Sample.Now.AddTicks(10 * n), n == 1 ? null : "{}");

    [Fact]
    public async Task Lists_rejected_events_as_snake_case_json_with_drf_dates()
    {
        var store = Substitute.For<IRejectedEventStore>();
        store.ListRejectedEventsAsync(0, EventAdministration.MaxListed, Arg.Any<CancellationToken>()).Returns([Rejected(2), Rejected(1)]);
        var administration = new EventAdministration(api.Intake, store);

        var response = await administration.ListRejectedAsync(Query(), CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(
            "[{\"record_id\":\"record-2\",\"id\":\"evt-2\",\"type\":\"io.goauthentik.user.saved\",\"subject\":\"user/2\",\"reason\":\"missing data\",\"rejected_at\":\"2024-09-13T14:05:42.243002Z\",\"body\":\"{}\"},"
            + "{\"record_id\":\"record-1\",\"id\":\"evt-1\",\"type\":\"io.goauthentik.user.saved\",\"subject\":\"user/1\",\"reason\":\"missing data\",\"rejected_at\":\"2024-09-13T14:05:42.243001Z\",\"body\":null}]",
            Body(response));
    }

    [Theory]
    [InlineData("1", "1000", 0, 1000)]
    [InlineData("3", "7", 14, 7)]
    [InlineData("", "", 0, 1000)] // empty means absent
    [InlineData("2147483", "1000", 2_147_482_000, 1000)] // the last page whose offset fits an int
    [InlineData("1", "1", 0, 1)]
    public async Task Pages_from_one_with_a_size_up_to_the_maximum(string page, string pageSize, int skip, int max)
    {
        var store = Substitute.For<IRejectedEventStore>();
        store.ListRejectedEventsAsync(default, default, default).ReturnsForAnyArgs([]);
        var administration = new EventAdministration(api.Intake, store);

        var response = await administration.ListRejectedAsync(Query(("page", page), ("page_size", pageSize)), CancellationToken.None);

        Assert.Equal((200, "[]"), (response.StatusCode, Body(response)));
        await store.Received(1).ListRejectedEventsAsync(skip, max, Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData("page", "0")]
    [InlineData("page", "-1")]
    [InlineData("page", "+1")]
    [InlineData("page", " 1")]
    [InlineData("page", "x")]
    [InlineData("page", "2147484")] // its offset would overflow
    [InlineData("page_size", "0")]
    [InlineData("page_size", "1001")]
    [InlineData("page_size", "1.5")]
    public async Task Refuses_pages_and_sizes_out_of_range(string name, string value)
    {
        var store = Substitute.For<IRejectedEventStore>();
        var administration = new EventAdministration(api.Intake, store);

        var response = await administration.ListRejectedAsync(Query((name, value)), CancellationToken.None);

        Assert.Equal(
            (400, """{"detail":"page must be a positive integer and page_size an integer from 1 to 1000."}"""),
            (response.StatusCode, Body(response)));
        await store.DidNotReceiveWithAnyArgs().ListRejectedEventsAsync(default, default, default);
    }

    [Fact]
    public async Task Replays_a_recorded_event_once_its_cause_is_fixed_and_answers_404_for_an_unknown_record()
    {
        // Recorded as rejected for a cause since fixed (say, a source the intake did not yet accept).
        var recordId = "record-user";
        await api.Store.RejectedEvents.RecordRejectedEventAsync(
            new RejectedEvent(recordId, "evt-user", "io.goauthentik.user.saved", "user/42", "unknown source", Sample.Now, Events.User(42, Events.V, id: "evt-user")),
            CancellationToken.None);

        var replayed = await api.Administration.ReplayAsync(recordId, CancellationToken.None);
        var again = await api.Administration.ReplayAsync(recordId, CancellationToken.None);

        Assert.Equal(
            (200, """{"applied":1,"ignored":0,"rejected":0,"outcomes":[{"id":"evt-user","type":"io.goauthentik.user.saved","subject":"user/42","version":"1726236342243000","outcome":"applied","reason":null}]}"""),
            (replayed.StatusCode, Body(replayed)));
        Assert.Equal((404, """{"detail":"Not found."}"""), (again.StatusCode, Body(again)));
        Assert.True(await api.Store.Codes.UserExistsAsync(42, CancellationToken.None));
    }

    [Fact]
    public void Counts_outcomes_by_kind_in_event_order()
    {
        var response = EventAdministration.Outcomes(
        [
            new ProjectionOutcome(OutcomeKind.Ignored, "a", "t", "s/1", 7, "older"),
            new ProjectionOutcome(OutcomeKind.Rejected, null, null, null, null, "not JSON"),
            new ProjectionOutcome(OutcomeKind.Ignored, "b", "t", "s/2", 8, "duplicate"),
        ]);

        Assert.Equal(
            """{"applied":0,"ignored":2,"rejected":1,"outcomes":["""
            + """{"id":"a","type":"t","subject":"s/1","version":"7","outcome":"ignored","reason":"older"},"""
            + """{"id":null,"type":null,"subject":null,"version":null,"outcome":"rejected","reason":"not JSON"},"""
            + """{"id":"b","type":"t","subject":"s/2","version":"8","outcome":"ignored","reason":"duplicate"}]}""",
            Body(response));
    }
}
