using AuthCodes.ReadModel;
using AuthCodes.Testing;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>A delivery interrupted after its snapshot write is completed by its redelivery or by the entity's next event.</summary>
public sealed class RedeliveryTests
{
    private static readonly Guid App = Guid.Parse("10000000-0000-4000-8000-00000000000a");
    private readonly Harness h = new();

    [Theory]
    [InlineData(nameof(IViewStore.SaveUserAsync), 1, StoreFault.Transient)]
    [InlineData(nameof(IViewStore.SaveCodeAsync), 1, StoreFault.Transient)]
    [InlineData(nameof(IViewStore.SaveCodeAsync), 2, StoreFault.Transient)]
    [InlineData(nameof(IViewStore.SaveCodeAsync), 1, StoreFault.Crash)]
    public async Task A_redelivered_user_event_completes_the_derivation_a_failure_interrupted(string method, int occurrence, StoreFault fault)
    {
        await h.SendAllAsync(Provider(7, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 7, 42));
        var rename = User(42, V + 1, username: "renamed");
        await ApplyFailingAsync(rename, method, occurrence, fault);

        var redelivered = await h.SendAsync(rename);

        Assert.Equal((OutcomeKind.Ignored, "Duplicate: this event is already applied."), (redelivered.Kind, redelivered.Reason));
        Assert.Equal(42, (await h.Store.Codes.FindUserAsync(SubjectMode.UserUsername, "renamed", default))?.Pk);
        Assert.Equal("renamed", (await h.CodeAsync(1))!.User.Username);
        Assert.Equal("renamed", (await h.CodeAsync(2))!.User.Username);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_interrupted_reassignment_releases_the_previous_provider_on_redelivery_or_the_applications_next_event(bool nextEvent)
    {
        await h.SendAllAsync(Provider(7, V), Provider(8, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 8, 42), Application(App, V, "alpha", provider: 7));
        var reassignment = Application(App, V + 1, "alpha", provider: 8);
        await ApplyFailingAsync(reassignment, nameof(IViewStore.SaveProviderAsync), 1, StoreFault.Transient);
        Assert.Equal("alpha", (await h.CodeAsync(1))!.Provider.AssignedApplicationSlug); // provider 7's view was not rewritten

        await h.SendAsync(nextEvent ? Application(App, V + 2, "alpha", provider: 8) : reassignment);

        Assert.Null((await h.CodeAsync(1))!.Provider.AssignedApplicationSlug);
        Assert.Equal("alpha", (await h.CodeAsync(2))!.Provider.AssignedApplicationSlug);
        Assert.Empty((await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Application(App), default))!.ReleasedProviders); // owed no more
    }

    [Fact]
    public async Task A_completed_reassignment_forgets_the_provider_it_released()
    {
        await h.SendAllAsync(Provider(7, V), Provider(8, V), Application(App, V, "alpha", provider: 7), Application(App, V + 1, "alpha", provider: 8));

        Assert.Empty((await h.Store.Snapshots.GetSnapshotAsync(EntityKey.Application(App), default))!.ReleasedProviders);
    }

    /// <summary>Applies <paramref name="json"/> through the store with the nth call of <paramref name="method"/> failing as <paramref name="fault"/>.</summary>
    private async Task ApplyFailingAsync(string json, string method, int occurrence, StoreFault fault)
    {
        var calls = 0;
        var ports = FaultyStore.WrapProjectorPorts(h.Store, m => m == method && Interlocked.Increment(ref calls) == occurrence ? fault : StoreFault.None);
        var projector = new Projector(ports.Snapshots, ports.Views, h.Time);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => projector.ApplyAsync(h.Parser.Parse(BinaryData.FromString(json)), default));
        Assert.IsType(fault == StoreFault.Crash ? typeof(CrashedCallException) : typeof(StoreUnavailableException), failure);
    }
}
