using System.Text.Json.Nodes;
using AuthCodes.Contract;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Publishing.Tests;

public sealed class ChangeEventFactoryTests
{
    private static readonly ChangeEventParser Parser = new(TestEvents.Source);

    [Fact]
    public void Writes_the_envelope_per_the_contract_with_the_version_as_a_decimal_string()
    {
        var e = TestEvents.Factory().Saved(TestEvents.Code(), 1726236342243000, TestEvents.Now);

        var json = JsonNode.Parse(e.Json)!.AsObject();
        Assert.Equal("1.0", (string?)json["specversion"]);
        Assert.Equal("evt-0001", (string?)json["id"]);
        Assert.Equal(TestEvents.Source, (string?)json["source"]);
        Assert.Equal("io.goauthentik.authorization_code.saved", (string?)json["type"]);
        Assert.Equal("authorization_code/9001", (string?)json["subject"]);
        Assert.Equal("2024-09-13T14:05:42.000000Z", (string?)json["time"]);
        Assert.Equal(System.Text.Json.JsonValueKind.String, json["entityversion"]!.GetValueKind());
        Assert.Equal("1726236342243000", (string?)json["entityversion"]);
        Assert.Equal("application/json", (string?)json["datacontenttype"]);
        Assert.Equal(
            """{"pk":9001,"provider":7,"user":42,"expires":"2024-09-13T14:06:42.000000Z","expiring":true,"scope":["openid","profile"]}""",
            json["data"]!.ToJsonString());
        Assert.Equal(("evt-0001", "io.goauthentik.authorization_code.saved", "authorization_code/9001", 1726236342243000UL), (e.Id, e.Type, e.Subject, e.Version));
    }

    [Fact]
    public void Writes_snake_case_fields_with_authentiks_names()
    {
        var factory = TestEvents.Factory();
        var user = JsonNode.Parse(factory.Saved(TestEvents.Alice, 1).Json)!["data"]!.AsObject();
        var provider = JsonNode.Parse(factory.Saved(TestEvents.Grafana, 1).Json)!["data"]!.AsObject();
        var application = JsonNode.Parse(factory.Saved(TestEvents.GrafanaApp, 1).Json)!["data"]!.AsObject();

        Assert.Equal(
            ["pk", "username", "uuid", "name", "is_active", "last_login", "groups", "email", "avatar", "attributes", "uid", "path", "type"],
            user.Select(p => p.Key));
        Assert.Contains("include_claims_in_id_token", provider.Select(p => p.Key));
        Assert.Contains("access_code_validity", provider.Select(p => p.Key));
        Assert.Contains("jwks_sources", provider.Select(p => p.Key));
        Assert.Equal(["pk", "slug", "name", "provider", "backchannel_providers"], application.Select(p => p.Key));
    }

    [Fact]
    public void Every_built_event_passes_the_projectors_parser_with_the_same_facts()
    {
        var factory = TestEvents.Factory();
        var events = TestEvents.OnePerEntity(factory).Concat(
        [
            factory.Deleted(EntityNames.User, "42", 10),
            factory.Deleted(TestEvents.AdminsGroup, 11),
            factory.Deleted(EntityNames.AuthorizationCode, "9001", 12),
        ]);

        foreach (var e in events)
        {
            var parsed = Parser.Parse(BinaryData.FromString(e.Json));
            Assert.True(parsed.IsValid, parsed.Rejection?.Reason);
            Assert.Equal((e.Id, e.Type, e.Subject, e.Version), (parsed.Event!.Id, parsed.Event.Type, parsed.Event.Subject, parsed.Event.Version));
        }
    }

    [Fact]
    public async Task Built_events_project_into_a_listed_code()
    {
        var time = new FakeTimeProvider(TestEvents.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var projector = new Projector(store.Snapshots, store.Views, time);
        var intake = new ChangeEventIntake(Parser, projector, store.RejectedEvents, store.Snapshots, new ProjectionProgress(), time, NullLogger<ChangeEventIntake>.Instance);

        foreach (var e in TestEvents.OnePerEntity(TestEvents.Factory()))
        {
            Assert.Equal(OutcomeKind.Applied, (await intake.HandleAsync(BinaryData.FromString(e.Json), CancellationToken.None)).Kind);
        }

        var code = await store.Codes.GetCodeAsync(9001, CancellationToken.None);
        Assert.NotNull(code);
        Assert.Equal("alice", code.User.Username);
        Assert.True(code.User.IsSuperuser);
        Assert.Equal("grafana", code.Provider.AssignedApplicationSlug);
    }

    [Fact]
    public void Reads_a_later_authentiks_redirect_uri_list_as_newline_separated_urls()
    {
        var provider = System.Text.Json.JsonSerializer.Deserialize<ProviderData>(
            """{"pk": 7, "name": "Grafana", "client_id": "grafana", "redirect_uris": [{"matching_mode": "strict", "url": "https://a/"}, {"matching_mode": "regex", "url": "https://b/.*"}]}""",
            ChangeEventFactory.DataJson)!;

        Assert.Equal("https://a/\nhttps://b/.*", provider.RedirectUris);
        Assert.Equal("confidential", provider.ClientType);
    }

    [Fact]
    public void Versions_are_microseconds_since_the_unix_epoch()
    {
        var time = DateTimeOffset.Parse("2024-09-13T14:05:42.243Z", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(1726236342243000UL, EntityVersion.FromTime(time));
        Assert.Equal(time, EntityVersion.ToTime(1726236342243000UL));
        Assert.Throws<ArgumentException>(() => TestEvents.Factory().Deleted("token", "1", 1));
    }
}
