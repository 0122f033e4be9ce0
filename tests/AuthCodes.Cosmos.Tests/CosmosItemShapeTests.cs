using System.Text.Json;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// What the store writes, read back raw from the server: item <c>ttl</c> recomputed on every write
/// (the server stores it but never expires anything, so expiry itself is Cosmos's job and not
/// exercised here), secrets only in the provider's own items, and start-up creation or verification.
/// </summary>
[Collection(CosmosCollection.Name)]
public sealed class CosmosItemShapeTests(LocalCosmosServer server)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly FakeTimeProvider clock = new(Sample.Now);

    [Fact]
    public async Task A_code_item_lives_until_expiry_plus_grace_recomputed_on_every_write()
    {
        var (store, options) = await CreateAsync();
        var provider = Sample.Provider(1);
        var user = Sample.User(2);

        await store.Views.SaveCodeAsync(Sample.Code(1, provider, user, Sample.Now.AddMinutes(10)), None);
        Assert.Equal(3600 + 600, (await RawAsync(options.CodesContainer, "1", "1")).GetProperty("ttl").GetInt32());

        clock.Advance(TimeSpan.FromMinutes(5));
        await store.Views.SaveCodeAsync(Sample.Code(1, provider, user, Sample.Now.AddMinutes(10)), None);
        Assert.Equal(3600 + 300, (await RawAsync(options.CodesContainer, "1", "1")).GetProperty("ttl").GetInt32());

        await store.Views.SaveCodeAsync(Sample.Code(2, provider, user, Sample.Now.AddDays(-1)), None);
        Assert.Equal(1, (await RawAsync(options.CodesContainer, "2", "2")).GetProperty("ttl").GetInt32());

        await store.Views.SaveCodeAsync(Sample.Code(3, provider, user, expires: null), None);
        Assert.False((await RawAsync(options.CodesContainer, "3", "3")).TryGetProperty("ttl", out _));
    }

    [Fact]
    public async Task Snapshots_of_codes_expire_with_them_tombstones_after_the_retention_and_live_entities_never()
    {
        var (store, options) = await CreateAsync();
        var code = new CodeState(9, 1, 2, Sample.Now.AddMinutes(1), true, ["openid"]);
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(code.Key, new(1, false, "e1"), code, Sample.Now.AddMinutes(61)), null, None));
        var user = new UserState(2, "u", "U", true, null, [], "u@example.com", "", Sample.Json("{}"), "uid", "users", "internal", Guid.NewGuid());
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(user.Key, new(1, false, "e2"), user), null, None));
        Assert.True(await store.Snapshots.TryWriteSnapshotAsync(new EntitySnapshot(EntityKey.Group(Guid.Empty), new(1, true, "e3"), null), null, None));

        Assert.Equal(3660, (await RawAsync(options.EntitiesContainer, "9", "code/9")).GetProperty("ttl").GetInt32());
        Assert.False((await RawAsync(options.EntitiesContainer, "2", "user")).TryGetProperty("ttl", out _));
        Assert.Equal(14 * 24 * 3600, (await RawAsync(options.EntitiesContainer, Guid.Empty.ToString(), "group")).GetProperty("ttl").GetInt32());
    }

    [Fact]
    public async Task The_client_secret_is_kept_only_in_the_providers_own_items()
    {
        var (store, options) = await CreateAsync();
        var provider = Sample.Provider(1);
        await store.Views.SaveProviderAsync(provider, "very-secret", None);
        await store.Views.SaveUserAsync(Sample.User(2), None);
        await store.Views.SaveCodeAsync(Sample.Code(5, provider, Sample.User(2), Sample.Now), None);

        Assert.DoesNotContain("very-secret", (await RawAsync(options.CodesContainer, "5", "5")).GetRawText(), StringComparison.Ordinal);
        Assert.Equal("very-secret", (await RawAsync(options.EntitiesContainer, "1", "providerView")).GetProperty("clientSecret").GetString());
    }

    [Fact]
    public async Task Start_up_without_creation_fails_fast_naming_a_missing_container_or_a_differing_definition()
    {
        var options = server.Options("verify", Guid.NewGuid().ToString("N"));
        options.CreateIfMissing = false;
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance).EnsureReadyAsync(None));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        var database = (await server.Client.CreateDatabaseIfNotExistsAsync("verify")).Database;
        await database.CreateContainerIfNotExistsAsync(new ContainerProperties(options.CodesContainer, "/pk"));
        await database.CreateContainerIfNotExistsAsync(CosmosContainerDefinition.Entities(options.EntitiesContainer));
        var differing = await Assert.ThrowsAsync<InvalidOperationException>(() => new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance).EnsureReadyAsync(None));
        Assert.Contains("partition key path is '/pk', expected '/id'", differing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_accepts_containers_that_match_the_definition()
    {
        var (_, created) = await CreateAsync();
        created.CreateIfMissing = false;

        var ready = await new CosmosContainers(server.Client, created, NullLogger<CosmosContainers>.Instance).EnsureReadyAsync(None);

        Assert.Equal(created.CodesContainer, ready.Codes.Id);
    }

    private async Task<(ReadModelStores Store, CosmosStoreOptions Options)> CreateAsync()
    {
        var options = server.Options("shapes", Guid.NewGuid().ToString("N"));
        var containers = new CosmosContainers(server.Client, options, NullLogger<CosmosContainers>.Instance);
        await containers.EnsureReadyAsync(None);
        return (CosmosReadModelStore.Create(containers, options, clock, NullLogger.Instance), options);
    }

    private async Task<JsonElement> RawAsync(string container, string id, string partition) =>
        (await server.Client.GetContainer("shapes", container).ReadItemAsync<JsonElement>(id, new PartitionKey(partition))).Resource;
}
