using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>The behaviour every <see cref="IRejectedEventStore"/> must show.</summary>
public abstract class RejectedEventStoreConformance : ReadModelStoreConformance
{
    [Fact]
    public async Task Records_rejected_events_lists_them_newest_first_and_forgets_them_on_request()
    {
        var store = await CreateStoresAsync();
        var older = new RejectedEvent("evt-1", "evt-1", "io.goauthentik.user.saved", "user/1", "Invalid payload: name is required.", T, """{"id":"evt-1"}""");
        var newer = new RejectedEvent("b64-hash", null, null, null, "The body is not valid JSON.", T.AddMinutes(1), null);
        await store.RejectedEvents.RecordRejectedEventAsync(older, None);
        await store.RejectedEvents.RecordRejectedEventAsync(newer, None);
        await store.RejectedEvents.RecordRejectedEventAsync(older with { Reason = "Redelivered." }, None);

        Assert.Equal([newer, older with { Reason = "Redelivered." }], await store.RejectedEvents.ListRejectedEventsAsync(10, None));
        Assert.Equal([newer], await store.RejectedEvents.ListRejectedEventsAsync(1, None));
        Assert.Equal(newer, await store.RejectedEvents.GetRejectedEventAsync("b64-hash", None));

        await store.RejectedEvents.DeleteRejectedEventAsync("evt-1", None);
        await store.RejectedEvents.DeleteRejectedEventAsync("evt-1", None);
        Assert.Null(await store.RejectedEvents.GetRejectedEventAsync("evt-1", None));
        Assert.Equal([newer], await store.RejectedEvents.ListRejectedEventsAsync(10, None));
    }

    [Fact]
    public async Task Lists_a_page_after_skipping_the_newer_records()
    {
        var store = await CreateStoresAsync();
        foreach (var minute in new[] { 0, 1, 2 })
        {
            await store.RejectedEvents.RecordRejectedEventAsync(new RejectedEvent($"evt-{minute}", null, null, null, "Invalid.", T.AddMinutes(minute), null), None);
        }

        Assert.Equal(["evt-1"], (await store.RejectedEvents.ListRejectedEventsAsync(1, 1, None)).Select(r => r.RecordId));
        Assert.Equal(["evt-0"], (await store.RejectedEvents.ListRejectedEventsAsync(2, 5, None)).Select(r => r.RecordId));
        Assert.Empty(await store.RejectedEvents.ListRejectedEventsAsync(3, 5, None));
    }

    [Fact]
    public async Task Lists_records_of_one_instant_by_record_id_so_pages_do_not_overlap()
    {
        var store = await CreateStoresAsync();
        foreach (var recordId in new[] { "evt-b", "evt-c", "evt-a" })
        {
            await store.RejectedEvents.RecordRejectedEventAsync(new RejectedEvent(recordId, null, null, null, "Invalid.", T, null), None);
        }

        Assert.Equal(["evt-a", "evt-b"], (await store.RejectedEvents.ListRejectedEventsAsync(0, 2, None)).Select(r => r.RecordId));
        Assert.Equal(["evt-c"], (await store.RejectedEvents.ListRejectedEventsAsync(2, 2, None)).Select(r => r.RecordId));
    }

    [Fact]
    public async Task Keeps_a_record_whose_event_id_is_longer_than_a_cosmos_id()
    {
        var store = await CreateStoresAsync();
        var longId = new string('a', 200) + new string('/', 100);
        var rejected = new RejectedEvent(longId, longId, null, null, "Invalid.", T, null);

        await store.RejectedEvents.RecordRejectedEventAsync(rejected, None);

        Assert.Equal(rejected, await store.RejectedEvents.GetRejectedEventAsync(longId, None));
        Assert.Equal([rejected], await store.RejectedEvents.ListRejectedEventsAsync(10, None));
        await store.RejectedEvents.DeleteRejectedEventAsync(longId, None);
        Assert.Null(await store.RejectedEvents.GetRejectedEventAsync(longId, None));
    }
}
