using System.Net;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Azure.Identity;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace AuthCodes.Cosmos.Tests;

/// <summary>
/// What the local server cannot show, with a substituted <see cref="CosmosClient"/>/<see cref="Container"/>:
/// the Entra ID start-up path (no key: verify, never create), throttling that outlasts the SDK's own
/// 429 retries, and the configuration conventions of the Functions identity settings.
/// </summary>
public sealed class CosmosSubstitutedTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Under_Entra_ID_start_up_reads_the_container_and_never_creates_anything()
    {
        var options = new CosmosStoreOptions { AccountEndpoint = "https://account.documents.azure.com:443/", Database = "db" };
        var client = Substitute.For<CosmosClient>();
        var codes = ContainerWith(CosmosContainerDefinition.Codes(options.CodesContainer));
        var entities = ContainerWith(CosmosContainerDefinition.Entities(options.EntitiesContainer));
        client.GetContainer("db", options.CodesContainer).Returns(codes);
        client.GetContainer("db", options.EntitiesContainer).Returns(entities);

        var ready = await new CosmosContainers(client, options, NullLogger<CosmosContainers>.Instance).EnsureReadyAsync(None);

        Assert.Same(codes, ready.Codes);
        await client.DidNotReceiveWithAnyArgs().CreateDatabaseIfNotExistsAsync(default!, default(int?), default, default);
    }

    [Fact]
    public async Task Under_Entra_ID_a_container_with_another_indexing_policy_fails_start_up_with_the_difference()
    {
        var options = new CosmosStoreOptions { AccountEndpoint = "https://account.documents.azure.com:443/", Database = "db" };
        var client = Substitute.For<CosmosClient>();
        var drifted = CosmosContainerDefinition.Codes(options.CodesContainer);
        drifted.IndexingPolicy.CompositeIndexes.RemoveAt(0);
        drifted.DefaultTimeToLive = null;
        var codes = ContainerWith(drifted);
        client.GetContainer("db", options.CodesContainer).Returns(codes);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new CosmosContainers(client, options, NullLogger<CosmosContainers>.Instance).EnsureReadyAsync(None));

        Assert.Contains("default TTL is off, expected -1", error.Message, StringComparison.Ordinal);
        Assert.Contains("composite indexes missing: /providerPk asc,/pk asc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_beyond_the_sdk_retries_surfaces_as_a_transient_failure_logged_with_diagnostics()
    {
        var options = new CosmosStoreOptions { AccountEndpoint = "https://account.documents.azure.com:443/", Database = "db" };
        var client = Substitute.For<CosmosClient>();
        var codes = ContainerWith(CosmosContainerDefinition.Codes(options.CodesContainer));
        codes.ReadItemAsync<CodeItem>("7", new PartitionKey("7"), Arg.Any<ItemRequestOptions>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new CosmosException("Request rate is large", (HttpStatusCode)429, 3200, "activity", 12.5));
        var entities = ContainerWith(CosmosContainerDefinition.Entities(options.EntitiesContainer));
        client.GetContainer("db", options.CodesContainer).Returns(codes);
        client.GetContainer("db", options.EntitiesContainer).Returns(entities);
        var logger = new FakeLogger();
        var store = CosmosReadModelStore.Create(new CosmosContainers(client, options, NullLogger<CosmosContainers>.Instance), options, TimeProvider.System, logger);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Codes.GetCodeAsync(7, None));

        Assert.Equal(429, (int)Assert.IsType<CosmosException>(error.InnerException).StatusCode);
        Assert.Contains("read code failed with status 429", logger.LatestRecord.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_client_retries_throttled_requests_with_bounded_waits_and_uses_System_Text_Json()
    {
        using var client = CosmosServiceCollectionExtensions.CreateClient(new CosmosStoreOptions { AccountEndpoint = "https://account.documents.azure.com:443/" });

        Assert.Equal(9, client.ClientOptions.MaxRetryAttemptsOnRateLimitedRequests);
        Assert.Equal(TimeSpan.FromSeconds(30), client.ClientOptions.MaxRetryWaitTimeOnRateLimitedRequests);
        Assert.NotNull(client.ClientOptions.UseSystemTextJsonSerializerWithOptions);
        Assert.Empty(client.ClientOptions.CustomHandlers); // the test-only query-plan handler is never added by production code
    }

    [Fact]
    public void Reads_the_Functions_identity_settings_when_the_Cosmos_section_leaves_them_empty()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CosmosDb:accountEndpoint"] = "https://account.documents.azure.com:443/",
            ["CosmosDb:credential"] = "managedidentity",
            ["CosmosDb:clientId"] = "00000000-1111-2222-3333-444444444444",
        }).Build();
        var options = new CosmosStoreOptions();

        CosmosServiceCollectionExtensions.ApplyConventions(options, configuration);

        Assert.Equal("https://account.documents.azure.com:443/", options.AccountEndpoint);
        Assert.Equal("00000000-1111-2222-3333-444444444444", options.ManagedIdentityClientId);
        Assert.False(options.UsesKey);
        Assert.IsType<ManagedIdentityCredential>(CosmosServiceCollectionExtensions.Credential(options));
        Assert.IsType<DefaultAzureCredential>(CosmosServiceCollectionExtensions.Credential(new CosmosStoreOptions()));
    }

    [Theory]
    [InlineData(null, 60)]
    [InlineData("00:30:00", 30)]
    public void The_item_ttl_grace_is_the_one_events_code_grace_period_the_projector_reads(string? gracePeriod, int minutes)
    {
        using var services = ServicesWith(gracePeriod);

        Assert.Equal(TimeSpan.FromMinutes(minutes), services.GetRequiredService<IOptions<CosmosStoreOptions>>().Value.CodeGracePeriod);
        Assert.Equal(TimeSpan.FromMinutes(minutes), services.GetRequiredService<IOptions<CodeRetentionOptions>>().Value.CodeGracePeriod);
    }

    [Fact]
    public void A_negative_code_grace_period_fails_once_with_its_setting_name()
    {
        using var services = ServicesWith("-00:01:00");

        var thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CosmosStoreOptions>>().Value);

        Assert.Equal("Events:CodeGracePeriod must not be negative.", thrown.Message);
    }

    /// <summary>The store and the projection registered together, as both hosts do.</summary>
    private static ServiceProvider ServicesWith(string? gracePeriod)
    {
        var settings = new Dictionary<string, string?> { ["Cosmos:AccountEndpoint"] = "https://account.documents.azure.com:443/" };
        if (gracePeriod is not null)
        {
            settings["Events:CodeGracePeriod"] = gracePeriod;
        }

        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddCosmosReadModelStore()
            .AddChangeEventProjection()
            .BuildServiceProvider();
    }

    [Theory]
    [InlineData(0.2, 1)]
    [InlineData(-30, 1)]
    [InlineData(3600, 3600)]
    [InlineData(3600.1, 3601)]
    public void Item_ttl_is_at_least_one_second_and_rounds_up(double seconds, int expected) =>
        Assert.Equal(expected, CosmosItemMapping.Seconds(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Null_expiry_sorts_after_every_real_one_and_stays_exact_as_a_json_double()
    {
        var farFuture = CodeItem.ExpiresKeyOf(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero));

        Assert.True(CodeItem.ExpiresKeyOf(null) > farFuture);
        Assert.Equal(CodeItem.NullExpiresKey, (long)(double)CodeItem.NullExpiresKey);
    }

    [Theory]
    [InlineData("b64/ha?sh#1\\x", "b64%2Fha%3Fsh%231%5Cx")]
    [InlineData("evt-1", "evt-1")]
    public void Rejected_record_ids_are_escaped_into_valid_cosmos_ids(string recordId, string id) =>
        Assert.Equal(id, CosmosItemMapping.RejectedId(recordId));

    [Fact]
    public void A_record_id_longer_than_a_cosmos_id_once_escaped_is_stored_as_its_hash()
    {
        var id = CosmosItemMapping.RejectedId(new string('/', 86));

        Assert.Equal("sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(new string('/', 86)))), id);
        Assert.Equal(new string('/', 85).Replace("/", "%2F", StringComparison.Ordinal), CosmosItemMapping.RejectedId(new string('/', 85)));
    }

    [Fact]
    public void A_rejected_event_item_expires_by_ttl_at_the_records_expiry()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Sample.Now);
        var mapping = new CosmosItemMapping(new CosmosStoreOptions(), time);
        var rejected = new RejectedEvent("evt-1", "evt-1", null, null, "Invalid.", Sample.Now, null, Sample.Now.AddDays(14));

        var item = mapping.ToItem(rejected);

        Assert.Equal(14 * 24 * 3600, item.Ttl);
        Assert.Equal(rejected, CosmosItemMapping.ToRejected(item));
        Assert.Null(mapping.ToItem(rejected with { ExpiresAt = null }).Ttl);
    }

    private static Container ContainerWith(ContainerProperties properties)
    {
        var container = Substitute.For<Container>();
        container.Id.Returns(properties.Id);
        var response = Substitute.For<ContainerResponse>();
        response.Resource.Returns(properties);
        container.ReadContainerAsync(Arg.Any<ContainerRequestOptions>(), Arg.Any<CancellationToken>()).Returns(response);
        return container;
    }
}
