using AuthCodes.Contract;
using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.ReadModel.Tests;

public sealed class EmbeddedCodeReadStoreTests : CodeReadStoreConformance
{
    protected override Task<ReadModelStores> CreateStoresAsync() => Task.FromResult(EmbeddedReadModelStore.Create());
}

public sealed class EmbeddedSnapshotStoreTests : SnapshotStoreConformance
{
    protected override Task<ReadModelStores> CreateStoresAsync() => Task.FromResult(EmbeddedReadModelStore.Create());
}

public sealed class EmbeddedViewStoreTests : ViewStoreConformance
{
    protected override Task<ReadModelStores> CreateStoresAsync() => Task.FromResult(EmbeddedReadModelStore.Create());
}

public sealed class EmbeddedRejectedEventStoreTests : RejectedEventStoreConformance
{
    protected override Task<ReadModelStores> CreateStoresAsync() => Task.FromResult(EmbeddedReadModelStore.Create());
}

/// <summary>Expiry is not in the shared suite: the local Cosmos server never expires items (ttl is Cosmos's job there).</summary>
public sealed class EmbeddedReadModelStoreExpiryTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Forgets_a_rejected_event_once_its_expiry_has_passed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var rejected = new RejectedEvent("evt-1", "evt-1", null, null, "Invalid.", Sample.Now, null, Sample.Now.AddDays(14));
        await store.RejectedEvents.RecordRejectedEventAsync(rejected, None);

        time.Advance(TimeSpan.FromDays(14) - TimeSpan.FromTicks(1));
        Assert.Equal([rejected], await store.RejectedEvents.ListRejectedEventsAsync(10, None));

        time.Advance(TimeSpan.FromTicks(1));
        Assert.Empty(await store.RejectedEvents.ListRejectedEventsAsync(10, None));
        Assert.Null(await store.RejectedEvents.GetRejectedEventAsync("evt-1", None));
    }

    [Fact]
    public async Task Forgets_a_code_snapshot_and_its_document_once_its_expiry_plus_grace_has_passed()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var provider = Sample.Provider(1);
        var user = Sample.User(10);
        var forgetAt = Sample.Now.AddMinutes(61);
        var state = new CodeState(5, 1, 10, Sample.Now.AddMinutes(1), true, ["openid"]);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Code(5), new EventStamp(1, false, "e1"), state, forgetAt), null, None));
        await store.Views.SaveCodeAsync(Sample.Code(5, provider, user, Sample.Now.AddMinutes(1)), None);

        time.Advance(TimeSpan.FromMinutes(60));
        Assert.NotNull(await store.Codes.GetCodeAsync(5, None));
        Assert.Single(await store.Snapshots.GetLiveCodesOfUserAsync(10, None));

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await store.Codes.GetCodeAsync(5, None));
        Assert.Null(await store.Snapshots.GetSnapshotAsync(EntityKey.Code(5), None));
        Assert.Empty(await store.Snapshots.GetLiveCodesOfUserAsync(10, None));
        Assert.Equal(0, await store.Codes.CountCodesAsync(CodeFilter.All, None));
    }

    [Fact]
    public async Task Does_not_list_a_code_saved_after_its_snapshot_was_forgotten()
    {
        var (store, _) = await StoreWithForgottenCodeAsync();

        await store.Views.SaveCodeAsync(Sample.Code(5, Sample.Provider(1), Sample.User(10), Sample.Now), None);

        Assert.Null(await store.Codes.GetCodeAsync(5, None));
    }

    [Fact]
    public async Task Lists_a_code_saved_after_a_new_snapshot_replaced_the_forgotten_one()
    {
        var (store, state) = await StoreWithForgottenCodeAsync();

        var renewed = state with { Expires = Sample.Now.AddMinutes(10) };
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Code(5), new EventStamp(2, false, "e2"), renewed, Sample.Now.AddMinutes(70)), null, None));
        await store.Views.SaveCodeAsync(Sample.Code(5, Sample.Provider(1), Sample.User(10), Sample.Now.AddMinutes(10)), None);

        Assert.Equal(5, (await store.Codes.GetCodeAsync(5, None))?.Pk);
    }

    /// <summary>A store whose code 5 (user 10, provider 1) had its snapshot forgotten at its expiry; returns the state it had.</summary>
    private static async Task<(ReadModelStores Store, CodeState State)> StoreWithForgottenCodeAsync()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var state = new CodeState(5, 1, 10, Sample.Now, true, ["openid"]);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Code(5), new EventStamp(1, false, "e1"), state, Sample.Now.AddSeconds(1)), null, None));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await store.Snapshots.GetSnapshotAsync(EntityKey.Code(5), None)); // forgotten now
        return (store, state);
    }

    [Fact]
    public async Task Keeps_a_code_whose_snapshot_was_rewritten_with_a_later_expiry()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var state = new CodeState(5, 1, 10, Sample.Now, true, ["openid"]);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Code(5), new EventStamp(1, false, "e1"), state, Sample.Now.AddMinutes(1)), null, None));
        var current = await store.Snapshots.GetSnapshotAsync(EntityKey.Code(5), None);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Code(5), new EventStamp(2, false, "e2"), state, Sample.Now.AddHours(2)), current!.ETag, None));

        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(2UL, (await store.Snapshots.GetSnapshotAsync(EntityKey.Code(5), None))?.Stamp.Version);
    }
}

/// <summary>States carry their key into stored JSON (Cosmos items): its shape must not change with its type.</summary>
public sealed class EntityKeyTests
{
    [Fact]
    public void Serializes_as_kind_and_canonical_pk_text_under_the_serializers_naming_policy()
    {
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);

        Assert.Equal("""{"kind":1,"pk":"42"}""", System.Text.Json.JsonSerializer.Serialize(EntityKey.User(42), web));
        Assert.Equal("""{"Kind":2,"Pk":"aaaaaaaa-0000-4000-8000-000000000001"}""", System.Text.Json.JsonSerializer.Serialize(EntityKey.Group(Guid.Parse("AAAAAAAA-0000-4000-8000-000000000001"))));
        Assert.Equal(EntityKey.Code(7), System.Text.Json.JsonSerializer.Deserialize<EntityKey>("""{"kind":0,"pk":"7"}""", web));
    }

    [Fact]
    public void Holds_typed_pks_and_refuses_the_other_kind_of_pk()
    {
        Assert.Equal(42, EntityKey.User(42).IntegerPk);
        Assert.Equal("Group/aaaaaaaa-0000-4000-8000-000000000001", EntityKey.Group(Guid.Parse("aaaaaaaa-0000-4000-8000-000000000001")).ToString());
        Assert.Throws<InvalidOperationException>(() => EntityKey.Code(1).UuidPk);
        Assert.Throws<ArgumentException>(() => EntityKey.Of(EntityKind.Application, 1));
        Assert.Equal(EntityKey.Provider(9), EntityKey.Parse(EntityKind.Provider, "9"));
        Assert.Equal(Guid.Parse("aaaaaaaa-0000-4000-8000-000000000001"), EntityKey.Parse(EntityKind.Group, "aaaaaaaa-0000-4000-8000-000000000001").UuidPk);
    }

    [Fact]
    public void Says_which_kind_of_pk_a_key_holds_when_asked_for_the_other()
    {
        Assert.Equal("A Group key is a uuid.", Assert.Throws<InvalidOperationException>(() => EntityKey.Group(Guid.Empty).IntegerPk).Message);
        Assert.Equal("A User key is an integer.", Assert.Throws<InvalidOperationException>(() => EntityKey.User(1).UuidPk).Message);
        Assert.Equal("A Application key is a uuid. (Parameter 'kind')", Assert.Throws<ArgumentException>(() => EntityKey.Of(EntityKind.Application, 1)).Message);
        Assert.Equal("A Provider key is an integer. (Parameter 'kind')", Assert.Throws<ArgumentException>(() => EntityKey.Of(EntityKind.Provider, Guid.Empty)).Message);
    }
}

/// <summary>The embedded store renders a code's JSON once per stored document (on its first response), so pages are served from those bytes.</summary>
public sealed class EmbeddedRenderingTests
{
    [Fact]
    public async Task A_written_code_is_read_back_with_its_bytes_rendered_and_a_rewrite_renders_anew()
    {
        var store = EmbeddedReadModelStore.Create();
        var code = Sample.Code(1, Sample.Provider(1), Sample.User(1));
        await store.Views.SaveCodeAsync(code, CancellationToken.None);
        var first = (await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, 10, CancellationToken.None)).Single();

        await store.Views.SaveCodeAsync(code with { Provider = Sample.Provider(1, name: "Renamed") }, CancellationToken.None);
        var second = await store.Codes.GetCodeAsync(1, CancellationToken.None);

        Assert.NotNull(RenderedCode.Of(first));
        Assert.Null(RenderedCode.Of(code)); // the caller's instance is not the stored one
        Assert.Contains("\"name\":\"Renamed\"", Render(second!), StringComparison.Ordinal);
        Assert.NotSame(RenderedCode.Of(first), RenderedCode.Of(second!));
    }

    [Fact]
    public async Task A_copy_of_a_stored_document_is_written_from_its_own_fields_not_the_original_bytes()
    {
        var store = EmbeddedReadModelStore.Create();
        await store.Views.SaveCodeAsync(Sample.Code(1, Sample.Provider(1), Sample.User(1)), CancellationToken.None);
        var stored = (await store.Codes.GetCodeAsync(1, CancellationToken.None))!;
        Assert.Contains("\"name\":\"Provider 1\"", Render(stored), StringComparison.Ordinal);

        var copy = stored with { Provider = Sample.Provider(1, name: "Renamed") };

        Assert.Null(RenderedCode.Of(copy));
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, ResponseWriter.WriterOptions))
        {
            ResponseWriter.WriteCode(writer, copy, new RenderOptions(Sample.Now, true, null));
        }

        Assert.Contains("\"name\":\"Renamed\"", System.Text.Encoding.UTF8.GetString(stream.ToArray()), StringComparison.Ordinal);
    }

    private static string Render(CodeDocument code)
    {
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream, ResponseWriter.WriterOptions))
        {
            Assert.NotNull(RenderedCode.Of(code));
            ResponseWriter.WriteCode(writer, code, new RenderOptions(Sample.Now, true, null));
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
