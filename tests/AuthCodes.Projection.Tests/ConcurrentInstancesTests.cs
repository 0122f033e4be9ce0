using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Contract;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// Two projector instances over one store, or two concurrent calls on one instance, with a chosen
/// interleaving of their store calls: the interrupted call pauses before a store call while the other
/// applies a racing event from start to end. The store must end as one projector applying every event
/// in sequence leaves it.
/// </summary>
public sealed class ConcurrentInstancesTests
{
    private static readonly Guid Staff = Guid.Parse("1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed");
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ChangeEventParser parser = new(Source);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_code_saved_by_one_instance_while_another_applies_its_delete_stays_unlisted(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V)],
            interrupted: Code(1, V, 7, 42),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: Deleted("authorization_code", "1", V + 1));

        Assert.Null(await store.Codes.GetCodeAsync(1, CancellationToken.None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_code_deleted_while_a_user_change_fans_out_to_it_stays_unlisted(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: User(42, V + 1, username: "renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: Deleted("authorization_code", "1", V + 1));

        Assert.Null(await store.Codes.GetCodeAsync(1, CancellationToken.None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_code_deleted_while_a_provider_change_fans_out_to_it_stays_unlisted(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: Deleted("authorization_code", "1", V + 1));

        Assert.Null(await store.Codes.GetCodeAsync(1, CancellationToken.None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_rename_and_a_provider_rename_fanning_out_to_one_code_both_reach_it(bool oneInstance)
    {
        // The user fan-out has read the old provider view when the provider fan-out runs completely.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: User(42, V + 1, username: "renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: Provider(7, V + 1, name: "Renamed"));

        var code = await store.Codes.GetCodeAsync(1, CancellationToken.None);
        Assert.Equal(("renamed", "Renamed"), (code?.User.Username, code?.Provider.Name));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_group_change_racing_a_change_of_its_member_reaches_the_members_view_and_codes(bool oneInstance)
    {
        // The user change has derived its view from the old group when the group change runs completely.
        var store = await RaceAsync(
            oneInstance,
            seed: [Group(Staff, V, "staff"), Provider(7, V), User(42, V, groups: [Staff]), Code(1, V, 7, 42)],
            interrupted: User(42, V + 1, username: "renamed", groups: [Staff]),
            pausedBefore: nameof(IViewStore.SaveUserAsync),
            racing: Group(Staff, V + 1, "staff renamed", isSuperuser: true));

        var code = await store.Codes.GetCodeAsync(1, CancellationToken.None);
        Assert.Equal(("renamed", "staff renamed", true), (code?.User.Username, code?.User.GroupsObj.Single().Name, code?.User.IsSuperuser));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_rename_racing_the_save_of_one_of_its_codes_reaches_the_code(bool oneInstance)
    {
        // The code's instance has read the old user view when the user's fan-out runs completely.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V)],
            interrupted: Code(1, V, 7, 42),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: User(42, V + 1, username: "renamed"));

        Assert.Equal("renamed", (await store.Codes.GetCodeAsync(1, CancellationToken.None))?.User.Username);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_fan_out_needs_no_further_round_for_a_code_that_its_own_delete_unlisted_after_the_fan_out_wrote_it(bool oneInstance)
    {
        // The delete runs between the provider fan-out's write of the code and its checking round, and
        // no round beyond the first may write: the checking round finds the code unlisted already.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(ISnapshotStore.GetLiveCodesOfProviderAsync),
            racing: Deleted("authorization_code", "1", V + 1),
            occurrence: 2,
            options: new ProjectionOptions { MaxSnapshotWriteAttempts = 1 });

        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_code_rescoped_while_a_provider_change_fans_out_to_it_keeps_its_new_scope(bool oneInstance)
    {
        // The fan-out writes the code from its old snapshot after the code's own event wrote it; only the
        // scope differs, so only the checking round's comparison of scopes can find it.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: CodeWithScope(1, V + 1, "openid"));

        Assert.Equal(["openid"], (await store.Codes.GetCodeAsync(1, CancellationToken.None))?.Scope);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_code_extended_while_a_provider_change_fans_out_to_it_keeps_its_new_expiry(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: Code(1, V + 1, 7, 42, expires: Sample.Now.AddMinutes(20)));

        Assert.Equal(Sample.Now.AddMinutes(20), (await store.Codes.GetCodeAsync(1, CancellationToken.None))?.Expires);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_provider_renamed_again_while_its_previous_event_derives_it_keeps_the_latest_name(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveProviderAsync),
            racing: Provider(7, V + 2, name: "Renamed again"));

        Assert.Equal("Renamed again", (await store.Views.GetProviderAsync(7, CancellationToken.None))?.Name);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_secret_rotated_while_the_providers_previous_event_derives_it_is_kept(bool oneInstance)
    {
        // The newer event changes the secret only: the view is the same JSON, and only the checking round's
        // comparison of secrets finds that the older event wrote the old secret last.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveProviderAsync),
            racing: Envelope(EntityNames.Provider, ChangeEventType.Saved, "7", V + 2, ProviderData(7, "Renamed", clientSecret: "rotated")));

        Assert.Equal("rotated7", (await store.Codes.GetClientSecretsAsync([7], CancellationToken.None))[7]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_provider_deleted_while_its_previous_event_derives_it_stays_deleted(bool oneInstance)
    {
        // The older event writes its view after the deletion: its checking round compares that view with none.
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveProviderAsync),
            racing: Deleted("provider", "7", V + 2));

        Assert.Null(await store.Views.GetProviderAsync(7, CancellationToken.None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_user_deleted_while_their_previous_event_derives_them_stays_deleted(bool oneInstance)
    {
        var store = await RaceAsync(
            oneInstance,
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42)],
            interrupted: User(42, V + 1, username: "renamed"),
            pausedBefore: nameof(IViewStore.SaveUserAsync),
            racing: Deleted("user", "42", V + 2));

        Assert.Null(await store.Views.GetUserAsync(42, CancellationToken.None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    [Fact]
    public async Task A_checking_round_that_rewrites_codes_is_a_round_that_wrote()
    {
        // The user rename lands after the provider fan-out derived its two codes from the old user view and
        // before it wrote them, so its checking round rewrites both; with one round allowed that must fail
        // the event (to be redelivered) instead of ending as if the round had written nothing.
        await CheckingRoundFailsAsync(
            seed: [Provider(7, V), User(42, V), Code(1, V, 7, 42), Code(2, V, 7, 42)],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: User(42, V + 1, username: "renamed"));
    }

    [Fact]
    public async Task A_checking_round_that_rewrites_only_a_user_view_is_a_round_that_wrote()
    {
        // As above for a user without codes: the group change's checking round rewrites the member's view
        // and nothing else, and that alone must count as a write.
        await CheckingRoundFailsAsync(
            seed: [Group(Staff, V, "staff"), User(42, V, groups: [Staff])],
            interrupted: Group(Staff, V + 1, "staff renamed"),
            pausedBefore: nameof(IViewStore.SaveUserAsync),
            racing: User(42, V + 1, username: "renamed", groups: [Staff]));
    }

    [Theory]
    [InlineData(42, 42, 43)]
    [InlineData(42, 43, 42)]
    public async Task A_checking_round_over_a_store_that_answers_later_counts_every_rewrite_it_awaits(long firstUser, long secondUser, long thirdUser)
    {
        // As above, over a store whose calls complete later and with one write in flight, so every rewrite of the
        // checking round is awaited by the fan-out loop rather than taken in place: user 42's codes are rewritten,
        // user 43's is not, and whichever of them the loop awaits last, the round wrote and the event fails.
        long[] users = [firstUser, secondUser, thirdUser];
        await CheckingRoundFailsAsync(
            seed: [Provider(7, V), User(42, V), User(43, V), .. users.Select((user, i) => Code(i + 1, V, 7, user))],
            interrupted: Provider(7, V + 1, name: "Renamed"),
            pausedBefore: nameof(IViewStore.SaveCodeAsync),
            racing: User(42, V + 1, username: "renamed"),
            answeringLater: true);
    }

    /// <summary>
    /// Seeds a store, then applies <paramref name="interrupted"/> on one instance allowed a single round, paused
    /// before its first <paramref name="pausedBefore"/> call while another applies <paramref name="racing"/>, so
    /// that its checking round rewrites: the event must fail (to be redelivered). With <paramref name="answeringLater"/>
    /// its store calls complete later, one write in flight at a time.
    /// </summary>
    private async Task CheckingRoundFailsAsync(string[] seed, string interrupted, string pausedBefore, string racing, bool answeringLater = false)
    {
        var store = EmbeddedReadModelStore.Create(time);
        var other = new Projector(store.Snapshots, store.Views, time);
        foreach (var json in seed)
        {
            await ApplyAsync(other, json);
        }

        var interleaved = InterleavingStore.WrapProjectorPorts(store, pausedBefore, 1, () => ApplyAsync(other, racing));
        var calls = new StoreCallQueue();
        var one = answeringLater
            ? new Projector(calls.Wrap(interleaved.Snapshots), calls.Wrap(interleaved.Views), time, new ProjectionOptions { MaxSnapshotWriteAttempts = 1, FanOutParallelism = 1 })
            : new Projector(interleaved.Snapshots, interleaved.Views, time, new ProjectionOptions { MaxSnapshotWriteAttempts = 1 });

        var applying = one.ApplyAsync(parser.Parse(BinaryData.FromString(interrupted)), CancellationToken.None);
        await Assert.ThrowsAsync<SnapshotConflictException>(() => answeringLater ? calls.RunAsync(applying) : applying);
    }

    /// <summary>
    /// Seeds a store, then applies <paramref name="interrupted"/> on one instance (with <paramref name="options"/>),
    /// which pauses before its <paramref name="occurrence"/>th <paramref name="pausedBefore"/> call while another
    /// instance (or, for <paramref name="oneInstance"/>, a concurrent call on the same one) applies <paramref name="racing"/>.
    /// Asserts the store then holds what applying every event in sequence gives, and returns it for the test's own expectation.
    /// </summary>
    private async Task<ReadModelStores> RaceAsync(
        bool oneInstance,
        string[] seed, string interrupted, string pausedBefore, string racing, int occurrence = 1, ProjectionOptions? options = null)
    {
        var store = EmbeddedReadModelStore.Create(time);
        var other = new Projector(store.Snapshots, store.Views, time);
        foreach (var json in seed)
        {
            await ApplyAsync(other, json);
        }

        Projector? one = null;
        var interleaved = InterleavingStore.WrapProjectorPorts(store, pausedBefore, occurrence, () => ApplyAsync(oneInstance ? one! : other, racing));
        one = new Projector(interleaved.Snapshots, interleaved.Views, time, options);
        await ApplyAsync(one, interrupted);

        var sequential = EmbeddedReadModelStore.Create(time);
        var alone = new Projector(sequential.Snapshots, sequential.Views, time);
        foreach (var json in seed.Append(interrupted).Append(racing))
        {
            await ApplyAsync(alone, json);
        }

        Assert.Equal(await RenderAsync(sequential), await RenderAsync(store));
        return store;
    }

    private async Task ApplyAsync(Projector projector, string json) =>
        Assert.Equal(OutcomeKind.Applied, (await projector.ApplyAsync(parser.Parse(BinaryData.FromString(json)), CancellationToken.None)).Kind);

    /// <summary>The derived read model as data: every listed code whole, the views of the user and provider the tests use, and that provider's secret.</summary>
    private static async Task<string> RenderAsync(ReadModelStores store) => JsonSerializer.Serialize(new
    {
        listed = await store.Codes.ListCodesAsync(CodeFilter.All, ListQuery.ParseOrdering("pk"), 0, 100, CancellationToken.None),
        user = await store.Views.GetUserAsync(42, CancellationToken.None),
        provider = await store.Views.GetProviderAsync(7, CancellationToken.None),
        secrets = await store.Codes.GetClientSecretsAsync([7], CancellationToken.None),
    });

    private static string CodeWithScope(long pk, ulong version, params string[] scope)
    {
        var data = CodeData(pk, 7, 42);
        data["scope"] = new JsonArray([.. scope.Select(s => (JsonNode)JsonValue.Create(s))]);
        return Envelope(EntityNames.AuthorizationCode, ChangeEventType.Saved, pk.ToString(), version, data);
    }
}
