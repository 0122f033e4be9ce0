using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

public sealed class EventIntakeTests
{
    private const string Events = EventIntake.Route;
    internal static readonly string UserEvent = ChangeEventEnvelope.Create(
        "evt-1", "https://auth.example.com/", EntityNames.User, ChangeEventType.Saved, "42", 1726236342243000,
        new JsonObject { ["pk"] = 42, ["username"] = "alice", ["uuid"] = "00000000-0000-4000-8000-000000000042" }).ToJsonString();

    private static async Task<HttpResponseMessage> PostAsync(LocalHostFactory factory, string json, string contentType = CloudEventContentTypes.Single, string? key = null)
    {
        using var client = factory.CreateClient();
        using var content = new StringContent(json, Encoding.UTF8, contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, Events) { Content = content };
        if (key is not null)
        {
            request.Headers.Add(EventIntake.KeyHeader, key);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Applies_an_event_and_answers_its_outcome()
    {
        using var factory = LocalHostFactory.OnEmptyStore();

        var response = await PostAsync(factory, UserEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            Q("{'applied':1,'ignored':0,'rejected':0,'outcomes':[{'id':'evt-1','type':'io.goauthentik.user.saved','subject':'user/42','version':'1726236342243000','outcome':'applied','reason':null}]}"),
            await response.Content.ReadAsStringAsync());
        Assert.True(await factory.Store.Codes.UserExistsAsync(42, CancellationToken.None));
    }

    [Fact]
    public async Task Records_a_rejected_event_lists_it_and_replays_it_on_request()
    {
        using var factory = LocalHostFactory.OnEmptyStore();
        var invalid = UserEvent.Replace("\"username\":\"alice\",", "", StringComparison.Ordinal);

        var posted = JsonDocument.Parse(await (await PostAsync(factory, invalid)).Content.ReadAsStringAsync()).RootElement;
        using var client = factory.CreateClient();
        var listed = JsonDocument.Parse(await client.GetStringAsync(Events + "/rejected")).RootElement;
        var replayed = await client.PostAsync(Events + "/rejected/evt-1/replay", null);

        Assert.Equal(1, posted.GetProperty("rejected").GetInt32());
        var record = Assert.Single(listed.EnumerateArray());
        Assert.Equal("evt-1", record.GetProperty("record_id").GetString());
        Assert.Equal(posted.GetProperty("outcomes")[0].GetProperty("reason").GetString(), record.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("\"outcome\":\"rejected\"", await replayed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync(Events + "/rejected/nope/replay", null)).StatusCode);
    }

    [Fact]
    public async Task Pages_the_rejected_events()
    {
        using var factory = LocalHostFactory.OnEmptyStore();
        foreach (var id in new[] { "evt-a", "evt-b", "evt-c" })
        {
            await PostAsync(factory, UserEvent.Replace("\"username\":\"alice\",", "", StringComparison.Ordinal).Replace("evt-1", id, StringComparison.Ordinal));
        }

        using var client = factory.CreateClient();
        async Task<string?[]> PageAsync(int page) =>
            [.. JsonDocument.Parse(await client.GetStringAsync(Events + $"/rejected?page={page}&page_size=2")).RootElement.EnumerateArray()
                .Select(r => r.GetProperty("record_id").GetString())];
        var first = await PageAsync(1);
        var second = await PageAsync(2);
        var invalid = await client.GetAsync(Events + "/rejected?page_size=1001");

        Assert.Equal(2, first.Length);
        Assert.Equal(["evt-a", "evt-b", "evt-c"], first.Concat(second).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal(Q("{'detail':'page must be a positive integer and page_size an integer from 1 to 1000.'}"), await invalid.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refuses_a_body_over_4_MB_with_413_in_the_intakes_shape()
    {
        using var factory = LocalHostFactory.OnEmptyStore();

        var response = await PostAsync(factory, "[" + new string(' ', 4 * 1024 * 1024) + "]", CloudEventContentTypes.Batch);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(Q("{'detail':'The body may be at most 4 MB; send the events in smaller batches.'}"), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Refuses_a_batch_of_more_than_1000_events_with_400()
    {
        using var factory = LocalHostFactory.OnEmptyStore();

        var response = await PostAsync(factory, "[" + string.Join(',', Enumerable.Repeat("{}", 1001)) + "]", CloudEventContentTypes.Batch);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Q("{'detail':'A batch may hold at most 1000 events; send it in parts.'}"), await response.Content.ReadAsStringAsync());
        Assert.Empty(await factory.Store.RejectedEvents.ListRejectedEventsAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task Refuses_other_media_types_with_415()
    {
        using var factory = LocalHostFactory.OnEmptyStore();

        var response = await PostAsync(factory, UserEvent, "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("Development", "10.1.2.3", null, null, HttpStatusCode.Forbidden)] // not loopback
    [InlineData("Production", "127.0.0.1", null, null, HttpStatusCode.Forbidden)] // no key configured
    [InlineData("Production", "127.0.0.1", "intake-key-0123456789", "wrong", HttpStatusCode.Forbidden)]
    [InlineData("Production", "10.1.2.3", "intake-key-0123456789", "intake-key-0123456789", HttpStatusCode.OK)]
    [InlineData("Development", "::1", null, null, HttpStatusCode.OK)]
    public async Task Is_open_only_to_loopback_in_development_and_otherwise_needs_the_configured_key(
        string environment, string remote, string? configuredKey, string? presentedKey, HttpStatusCode expected)
    {
        var settings = new Dictionary<string, string>();
        if (configuredKey is not null)
        {
            settings[EventIntake.KeySetting] = configuredKey;
        }

        if (environment != "Development")
        {
            // Outside Development the host needs a real issuer configuration to start.
            settings["Authentication:Issuer"] = "https://auth.example.com/application/o/authcodes/";
        }

        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create(), environment, settings) { RemoteAddress = IPAddress.Parse(remote) };

        var response = await PostAsync(factory, UserEvent, key: presentedKey);

        Assert.Equal(expected, response.StatusCode);
    }
}
