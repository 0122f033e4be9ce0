using System.Net;
using System.Text.Json;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using AuthCodes.Testing.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCodes.LocalHost.Tests;

/// <summary>The local host switched to the Cosmos store by configuration alone (<c>Store=cosmos</c> and the <c>Cosmos</c> section).</summary>
public sealed class LocalHostOnCosmosTests(LocalCosmosServer server) : IClassFixture<LocalCosmosServer>
{
    [Fact]
    public async Task Store_cosmos_runs_the_local_host_on_containers_it_creates_at_start_up()
    {
        using var host = new CosmosLocalHost(server);
        var factory = host.Factory;
        using var client = factory.CreateClient();
        using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("healthy", JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        var codes = factory.Services.GetRequiredService<ICodeReadStore>();
        Assert.Equal("CosmosCodeReadStore", codes.GetType().Name);
        Assert.Equal("CosmosSnapshotStore", factory.Services.GetRequiredService<ISnapshotStore>().GetType().Name);
        Assert.Equal("CosmosViewStore", factory.Services.GetRequiredService<IViewStore>().GetType().Name);
        Assert.Equal("CosmosRejectedEventStore", factory.Services.GetRequiredService<IRejectedEventStore>().GetType().Name);
        var projector = factory.Services.GetRequiredService<Projector>();
        var user = new UserState(1, "alice", "Alice", true, null, [], "alice@example.com", "", Sample.Json("{}"), "uid-1", "users", "internal", Guid.NewGuid());
        var outcome = await projector.ApplyAsync(
            new ChangeEvent("evt-1", "https://auth.example.com/", "io.goauthentik.user.saved", "user/1", user.Key, false, 1, null, user), CancellationToken.None);
        Assert.Equal(OutcomeKind.Applied, outcome.Kind);
        Assert.Equal("alice", (await codes.FindUserAsync(SubjectMode.UserUsername, "alice", CancellationToken.None))?.Username);
    }
}
