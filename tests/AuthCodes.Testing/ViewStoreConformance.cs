using AuthCodes.ReadModel;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>The behaviour every <see cref="IViewStore"/> must show: what it saves is what the queries read, and deletes say whether they unlisted anything.</summary>
public abstract class ViewStoreConformance : ReadModelStoreConformance
{
    [Fact]
    public async Task Retrieves_a_code_whole_and_forgets_a_deleted_one()
    {
        var store = await SeededStoreAsync();

        var code = await store.Codes.GetCodeAsync(6, None);
        Assert.NotNull(code);
        AssertSameJson(ProviderTwo, code.Provider);
        Assert.Equal(Alice.Username, code.User.Username);
        Assert.Equal(["openid", "goauthentik.io/api"], code.Scope);
        Assert.Null(code.Expires);

        Assert.True(await store.Views.DeleteCodeAsync(6, None));
        Assert.Null(await store.Codes.GetCodeAsync(6, None));
        Assert.False(await store.Views.DeleteCodeAsync(6, None)); // already unlisted: the projector counts no write
        Assert.Equal(6, await store.Codes.CountCodesAsync(CodeFilter.All, None));
        Assert.Null(await store.Codes.GetCodeAsync(999, None));
    }

    [Fact]
    public async Task Saving_a_code_again_replaces_it()
    {
        var store = await SeededStoreAsync();

        await store.Views.SaveCodeAsync(Sample.Code(3, ProviderTwo, Bob, T.AddDays(1), false, "email"), None);

        var code = await store.Codes.GetCodeAsync(3, None);
        Assert.NotNull(code);
        Assert.Equal(2, code.Provider.Pk);
        Assert.Equal(11, code.User.Pk);
        Assert.False(code.Expiring);
        Assert.Equal(["email"], code.Scope);
        Assert.Equal(7, await store.Codes.CountCodesAsync(CodeFilter.All, None));
    }

    [Fact]
    public async Task Keeps_expiry_instants_to_the_microsecond_in_utc()
    {
        var store = await CreateStoresAsync();
        var expires = new DateTimeOffset(2024, 9, 13, 16, 5, 42, TimeSpan.FromHours(2)).AddTicks(2_430_007);
        await store.Views.SaveCodeAsync(Sample.Code(1, ProviderOne, Alice, expires), None);

        var stored = (await store.Codes.GetCodeAsync(1, None))?.Expires;

        Assert.Equal(new DateTimeOffset(2024, 9, 13, 14, 5, 42, TimeSpan.Zero).AddTicks(2_430_000), stored);
        Assert.Equal("2024-09-13T14:05:42.243000Z", DrfDateTime.Format(stored!.Value));
    }

    [Fact]
    public async Task Reads_back_the_derived_user_and_provider_views_by_pk()
    {
        var store = await SeededStoreAsync();

        Assert.Equal(Alice.Username, (await store.Views.GetUserAsync(10, None))?.Username);
        AssertSameJson(ProviderTwo, await store.Views.GetProviderAsync(2, None));
        Assert.Null(await store.Views.GetUserAsync(99, None));

        await store.Views.DeleteProviderAsync(2, None);
        Assert.Null(await store.Views.GetProviderAsync(2, None));
    }
}
