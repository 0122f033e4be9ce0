using System.Globalization;
using System.Text.Json.Nodes;
using AuthCodes.Contract;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;

namespace AuthCodes.Benchmarks;

/// <summary>
/// CloudEvents JSON as a publisher writes it (the shapes of <c>docs/events.md</c>), and a projector
/// over an embedded store filled through the parser and the projector themselves, so snapshots,
/// indexes and documents are exactly what production would hold.
/// </summary>
internal static class ProjectionData
{
    public const string Source = "https://auth.example.com/";

    /// <summary>A 16-digit microsecond version, as the contract's publishers write it; setup events count up from here.</summary>
    public const ulong BaseVersion = 1_726_236_342_243_000;

    public static readonly Guid AdminsGroup = Sample.AdminsGroup;

    public static readonly Guid StaffGroup = Guid.Parse("22222222-0000-4000-8000-000000000000");

    public static Guid TeamGroup(long team) => new($"22222222-0000-4000-8000-{team + 1:D12}");

    public static string Envelope(string entity, string pk, ulong version, JsonObject data) =>
        ChangeEventEnvelope.Create($"evt-{entity}-{pk}-{version}", Source, entity, ChangeEventType.Saved, pk, version, data, "2024-09-13T14:05:42.243Z").ToJsonString();

    public static string Group(Guid pk, ulong version, string name, bool isSuperuser = false, Guid? parent = null) =>
        Envelope(EntityNames.Group, pk.ToString(), version, new JsonObject
        {
            ["pk"] = pk.ToString(),
            ["name"] = name,
            ["is_superuser"] = isSuperuser,
            ["parent"] = parent?.ToString(),
            ["attributes"] = new JsonObject(),
        });

    /// <summary>User 1 is in the superuser group; every other user is in "staff" and a team nested under it.</summary>
    public static string User(long pk, ulong version, string? name = null)
    {
        Guid[] groups = pk == 1 ? [AdminsGroup, TeamGroup(pk % 7)] : [StaffGroup, TeamGroup(pk % 7)];
        return Envelope(EntityNames.User, pk.ToString(CultureInfo.InvariantCulture), version, new JsonObject
        {
            ["pk"] = pk,
            ["username"] = $"user{pk}",
            ["name"] = name ?? $"User {pk}",
            ["is_active"] = true,
            ["last_login"] = "2024-09-01T08:00:00Z",
            ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)JsonValue.Create(g.ToString()))]),
            ["email"] = $"user{pk}@example.com",
            ["avatar"] = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
            ["attributes"] = new JsonObject
            {
                ["settings"] = new JsonObject { ["locale"] = "en" },
                ["goauthentik.io/user/sources"] = new JsonArray("ldap"),
            },
            ["uid"] = $"uid-{pk:D4}",
            ["path"] = "users",
            ["type"] = "internal",
            ["uuid"] = new Guid($"00000000-0000-4000-8000-{pk:D12}").ToString(),
        });
    }

    public static string Provider(long pk, ulong version, string? name = null) =>
        Envelope(EntityNames.Provider, pk.ToString(CultureInfo.InvariantCulture), version, new JsonObject
        {
            ["pk"] = pk,
            ["name"] = name ?? $"Provider {pk}",
            ["authentication_flow"] = null,
            ["authorization_flow"] = "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            ["property_mappings"] = new JsonArray("9a3b2c1d-0000-4000-8000-000000000001", "9a3b2c1d-0000-4000-8000-000000000002"),
            ["client_type"] = "confidential",
            ["client_id"] = $"client-{pk}",
            ["client_secret"] = $"s3cr3t-provider-{pk}",
            ["access_code_validity"] = "minutes=1",
            ["access_token_validity"] = "minutes=5",
            ["refresh_token_validity"] = "days=30",
            ["include_claims_in_id_token"] = true,
            ["signing_key"] = null,
            ["redirect_uris"] = $"https://app{pk}.example.com/callback",
            ["sub_mode"] = "hashed_user_id",
            ["issuer_mode"] = "per_provider",
            ["jwks_sources"] = new JsonArray(),
        });

    public static string Application(long providerPk, ulong version)
    {
        var pk = new Guid($"33333333-0000-4000-8000-{providerPk:D12}");
        return Envelope(EntityNames.Application, pk.ToString(), version, new JsonObject
        {
            ["pk"] = pk.ToString(),
            ["slug"] = $"app-{providerPk}",
            ["name"] = $"App {providerPk}",
            ["provider"] = providerPk,
            ["backchannel_providers"] = new JsonArray(),
        });
    }

    public static string Code(long pk, ulong version, long provider, long user) =>
        Envelope(EntityNames.AuthorizationCode, pk.ToString(CultureInfo.InvariantCulture), version, new JsonObject
        {
            ["pk"] = pk,
            ["provider"] = provider,
            ["user"] = user,
            ["expires"] = Sample.Now.AddMinutes(10).AddTicks(pk % 1000 * 10).ToString("O", CultureInfo.InvariantCulture),
            ["expiring"] = true,
            ["scope"] = "openid profile email",
        });

    /// <summary>
    /// A projector at <see cref="Sample.Now"/> over a store of <paramref name="codeCount"/> codes, 20 providers
    /// (each assigned to an application), 100 users with two groups each (one nested) and 9 groups;
    /// <paramref name="owner"/> maps a code pk to its (provider, user). Every setup event must apply.
    /// </summary>
    public static async Task<World> CreateWorldAsync(int codeCount, Func<long, (long Provider, long User)> owner)
    {
        var world = new World();
        var version = BaseVersion;
        List<string> events =
        [
            Group(AdminsGroup, ++version, "authentik Admins", isSuperuser: true),
            Group(StaffGroup, ++version, "staff"),
            .. Enumerable.Range(0, 7).Select(team => Group(TeamGroup(team), ++version, $"team-{team}", parent: StaffGroup)),
            .. Enumerable.Range(1, BenchmarkData.ProviderCount).Select(pk => Provider(pk, ++version)),
            .. Enumerable.Range(1, BenchmarkData.ProviderCount).Select(pk => Application(pk, ++version)),
            .. Enumerable.Range(1, BenchmarkData.UserCount).Select(pk => User(pk, ++version)),
        ];
        foreach (var json in events)
        {
            await world.ApplyAsync(BinaryData.FromString(json));
        }

        for (long pk = 1; pk <= codeCount; pk++)
        {
            var (provider, user) = owner(pk);
            await world.ApplyAsync(BinaryData.FromString(Code(pk, ++version, provider, user)));
        }

        world.NextVersion = version + 1;
        return world;
    }

    /// <summary>Throws unless the outcome is <see cref="OutcomeKind.Applied"/> (a benchmark that measured an ignored event measured nothing).</summary>
    public static void EnsureApplied(ProjectionOutcome outcome)
    {
        if (outcome.Kind != OutcomeKind.Applied)
        {
            throw new InvalidOperationException($"{outcome.Subject} version {outcome.Version}: {outcome.Kind} {outcome.Reason}");
        }
    }

    internal sealed class World
    {
        public World()
        {
            var time = new FixedTime(Sample.Now);
            Store = EmbeddedReadModelStore.Create(time);
            Projector = new Projector(Store.Snapshots, Store.Views, time);
        }

        public ReadModelStores Store { get; }

        public ChangeEventParser Parser { get; } = new(Source);

        public Projector Projector { get; }

        /// <summary>The next unused version: fan-out benchmarks take one per invocation, so each event is newer than the last.</summary>
        public ulong NextVersion { get; set; }

        public async Task ApplyAsync(BinaryData body) =>
            EnsureApplied(await Projector.ApplyAsync(Parser.Parse(body), CancellationToken.None));

        public async Task<IReadOnlyList<CodeDocument>> CodesAsync(CodeFilter filter, int take) =>
            await Store.Codes.ListCodesAsync(filter, ListQuery.ParseOrdering("pk"), 0, take, CancellationToken.None);
    }

    /// <summary>A clock frozen at one instant: codes in setup and benchmarks never cross the grace period.</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
