using System.Net;
using System.Text;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>The local host's composition: a user change through the event intake reaches the caller cache at once.</summary>
public sealed class CallerCacheWiringTests
{
    private const string List = "/api/v3/oauth2/authorization_codes/";

    [Fact]
    public async Task A_user_deactivated_through_the_intake_is_refused_on_the_next_request()
    {
        using var factory = new LocalHostFactory(EmbeddedReadModelStore.Create());
        using var client = factory.ClientFor("alice");
        await PostAsync(factory, Events.User(42, Events.V, "alice"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(List)).StatusCode); // now remembered for 30 s

        var deactivated = Events.UserData(42, "alice");
        deactivated["is_active"] = false;
        await PostAsync(factory, Events.Envelope(EntityNames.User, ChangeEventType.Saved, "42", Events.V + 1, deactivated));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(List)).StatusCode);
    }

    private static async Task PostAsync(LocalHostFactory factory, string cloudEvent)
    {
        using var client = factory.CreateClient();
        using var content = new StringContent(cloudEvent, Encoding.UTF8, CloudEventContentTypes.Single);
        var response = await client.PostAsync(EventIntake.Route, content);
        Assert.Contains("\"applied\":1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
