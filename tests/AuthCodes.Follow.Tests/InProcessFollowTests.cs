using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AuthCodes.Api.Authentication;
using AuthCodes.LocalHost;
using AuthCodes.Cli.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Follow.Tests;

/// <summary>The local host following authentik's PostgreSQL itself (Follow:Postgres), listed through its HTTP API.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InProcessFollowTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Expires = TestEvents.Now.AddHours(1);
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");

    [Fact]
    public async Task The_local_host_lists_codes_from_a_fresh_snapshot_and_then_from_the_stream()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync(string.Join(";\n",
            AuthentikRows.Group(Admins, "authentik Admins", superuser: true), AuthentikRows.User(1, "akadmin", "Admin"), AuthentikRows.Membership(1, Admins),
            AuthentikRows.Provider(7, "Grafana"), AuthentikRows.Code(9001, 7, 1, Expires)));
        using var host = new FollowingLocalHost(db.ConnectionString);
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token("akadmin"));

        await Eventually.TrueAsync(async () => (await ListAsync(client)).Count == 1);
        await rows.ExecuteAsync($"{AuthentikRows.Code(9002, 7, 1, Expires)}; UPDATE authentik_core_provider SET name = 'Grafana (prod)' WHERE id = 7");
        await Eventually.TrueAsync(async () => (await ListAsync(client)) is { Count: 2 } codes && codes.All(c => (string)c!["provider"]!["name"]! == "Grafana (prod)"));
        await rows.ExecuteAsync("DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = 9001");
        await Eventually.TrueAsync(async () => (await ListAsync(client)).Select(c => (int)c!["pk"]!).SequenceEqual([9002]));

        var code = (await ListAsync(client))[0]!;
        Assert.True((bool)code["user"]!["is_superuser"]!);
        Assert.Equal("akadmin", (string)code["user"]!["username"]!);
    }

    [Fact]
    public async Task After_a_lost_connection_the_local_host_deletes_what_vanished_before_it_followed_again()
    {
        var db = await cluster.CreateAuthentikDatabaseAsync();
        await using var rows = new AuthentikRows(db.ConnectionString);
        await rows.ExecuteAsync(string.Join(";\n",
            AuthentikRows.Group(Admins, "authentik Admins", superuser: true), AuthentikRows.User(1, "akadmin", "Admin"), AuthentikRows.Membership(1, Admins),
            AuthentikRows.User(2, "bob", "Bob"), AuthentikRows.Provider(7, "Grafana"), AuthentikRows.Code(9001, 7, 1, Expires), AuthentikRows.Code(9002, 7, 2, Expires)));
        using var host = new FollowingLocalHost(db.ConnectionString, restartDelay: "00:00:02");
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Token("akadmin"));
        await Eventually.TrueAsync(async () => (await ListAsync(client)).Count == 2);

        // The follower's connection ends and its temporary slot with it; bob goes before it follows again.
        await rows.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'walsender' AND datname = '{db.Name}'");
        await Eventually.TrueAsync(async () => await rows.CountAsync($"SELECT count(*) FROM pg_replication_slots WHERE database = '{db.Name}'") == 0);
        await rows.ExecuteAsync("DELETE FROM authentik_providers_oauth2_authorizationcode WHERE id = 9002; DELETE FROM authentik_core_user WHERE id = 2");

        await Eventually.TrueAsync(async () => (await ListAsync(client)).Select(c => (int)c!["pk"]!).SequenceEqual([9001]));
    }

    /// <summary>The list; empty while the token's user is not projected yet (authentik's 403 for an unknown user).</summary>
    private static async Task<JsonArray> ListAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/api/v3/oauth2/authorization_codes/?ordering=pk", UriKind.Relative));
        return response.StatusCode == System.Net.HttpStatusCode.Forbidden
            ? []
            : JsonNode.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["results"]!.AsArray();
    }

    private sealed class FollowingLocalHost(string postgres, string? restartDelay = null) : WebApplicationFactory<Program>
    {
        private const string Issuer = "urn:authcodes:local-development";
        private const string Audience = "authcodes-local";

        private readonly string keyFolder = Path.Combine(Path.GetTempPath(), "authcodes-follow-tests", Guid.NewGuid().ToString("N"));

        private string KeyPath => Path.Combine(keyFolder, "key.pem");

        /// <summary>The host's clock: it judges tokens and code expiry at the rows' fixed date (the follower itself waits in real time).</summary>
        private readonly FakeTimeProvider clock = new(TestEvents.Now);

        public string Token(string username) => DevelopmentToken.Create(
            DevelopmentSigningKey.LoadOrCreate(KeyPath), new BearerAuthenticationOptions { Issuer = Issuer, Audience = Audience }, username, clock.GetUtcNow().UtcDateTime, TimeSpan.FromHours(1));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting(DevelopmentSigningKey.PathSetting, KeyPath);
            builder.UseSetting("Authentication:Issuer", Issuer);
            builder.UseSetting("Authentication:Audience", Audience);
            builder.UseSetting("Events:Source", RunningFollower.Source);
            builder.UseSetting("Follow:Postgres", postgres);
            builder.UseSetting("Follow:CreatePublication", "true");
            if (restartDelay is not null)
            {
                builder.UseSetting("Follow:RestartDelay", restartDelay);
            }

            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(clock);
            });
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing && Directory.Exists(keyFolder))
            {
                Directory.Delete(keyFolder, recursive: true);
            }
        }
    }
}
