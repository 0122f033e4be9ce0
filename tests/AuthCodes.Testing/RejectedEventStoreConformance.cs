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
}
