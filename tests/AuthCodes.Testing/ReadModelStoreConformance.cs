using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>
/// What the conformance suites of the four store ports share: sample views, a store seeded with
/// them, and JSON comparison. Each store's test project derives one class from every suite and
/// supplies an empty store; the expected orders in the suites are written out by hand.
/// </summary>
public abstract class ReadModelStoreConformance
{
    protected static readonly DateTimeOffset T = Sample.Now;
    protected static readonly CancellationToken None = CancellationToken.None;

    protected static readonly ProviderView ProviderOne = Sample.Provider(1, name: "Grafana");
    protected static readonly ProviderView ProviderTwo = Sample.Provider(2, name: "Nextcloud Ökonomie");
    protected static readonly ProviderView ProviderWithoutCodes = Sample.Provider(3, name: "Idle");
    protected static readonly UserView Alice = Sample.User(10, username: "alice", email: "alice@example.com", name: "Alice Liddell");
    protected static readonly UserView Bob = Sample.User(11, username: "bob", email: "bob@corp.example", name: "Zoë Ünal");
    protected static readonly UserView Carol = Sample.User(12, username: "carol", attributesJson: """{"upn":"carol@upn.example"}""");

    /// <summary>A new, empty store.</summary>
    protected abstract Task<ReadModelStores> CreateStoresAsync();

    protected async Task<ReadModelStores> SeededStoreAsync()
    {
        var store = await CreateStoresAsync();
        await store.Views.SaveProviderAsync(ProviderOne, "secret-one", None);
        await store.Views.SaveProviderAsync(ProviderTwo, "secret-two", None);
        await store.Views.SaveProviderAsync(ProviderWithoutCodes, "secret-three", None);
        await store.Views.SaveUserAsync(Alice, None);
        await store.Views.SaveUserAsync(Bob, None);
        await store.Views.SaveUserAsync(Carol, None);
        await store.Views.SaveCodeAsync(Sample.Code(1, ProviderTwo, Alice, T.AddMinutes(10)), None);
        await store.Views.SaveCodeAsync(Sample.Code(2, ProviderOne, Bob, expires: null), None);
        await store.Views.SaveCodeAsync(Sample.Code(3, ProviderOne, Alice, T.AddMinutes(5)), None);
        await store.Views.SaveCodeAsync(Sample.Code(4, ProviderTwo, Bob, T.AddMinutes(5)), None);
        await store.Views.SaveCodeAsync(Sample.Code(5, ProviderOne, Alice, T.AddMinutes(5)), None);
        await store.Views.SaveCodeAsync(Sample.Code(6, ProviderTwo, Alice, null, true, "openid", "goauthentik.io/api"), None);
        await store.Views.SaveCodeAsync(Sample.Code(7, ProviderOne, Bob, T.AddHours(-1)), None);
        return store;
    }

    /// <summary>
    /// Views hold lists, which record equality compares by reference: a store that serializes (Cosmos)
    /// returns equal values in new lists, so views are compared by their JSON.
    /// </summary>
    protected static void AssertSameJson<T>(T expected, T? actual)
        where T : class
    {
        Assert.NotNull(actual);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(expected), System.Text.Json.JsonSerializer.Serialize(actual));
    }
}
