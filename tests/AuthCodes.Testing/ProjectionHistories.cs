using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using CsCheck;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Testing;

/// <summary>
/// Generated change-event histories over all five entities (creates, updates, deletes, re-creates,
/// equal-version ties) delivered in a drawn order with duplicates, and the reference the projector
/// is compared with: a naive fold (latest event per entity, every document derived afresh, fixed
/// time). Both sides are written with <see cref="JsonSerializer"/>'s defaults, every field of every
/// document as it is stored, not with the API's <c>ResponseWriter</c>, so a rendering bug cannot hide
/// a projection bug (the API's rendering has its own literal-JSON tests). Shared by the
/// order-independence and fault-injection properties on every store.
/// </summary>
public static class ProjectionHistories
{
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);
    private static readonly Guid[] GroupPks = [.. Enumerable.Range(1, 4).Select(i => new Guid($"{i:D8}-0000-4000-8000-00000000000{i}"))];

    /// <summary>
    /// authentik's <c>num_pk</c> of <see cref="GroupPks"/>, in order, computed with python3 on the
    /// development machine: <c>int(str(uuid.UUID(pk).int)[:5])</c>.
    /// </summary>
    private static readonly int[] GroupNumPks = [79228, 15845, 23768, 31691];
    private static readonly Guid[] ApplicationPks = [.. new[] { "f", "3", "a" }.Select(c => Guid.Parse($"{c}0000000-0000-4000-8000-000000000000"))];
    private static readonly long[] UserPks = [1, 2, 3];
    private static readonly long[] ProviderPks = [1, 2, 3];
    private static readonly long[] CodePks = [1, 2, 3, 4, 5, 6];

    /// <summary>Every entity of the model, in the order the history lists them.</summary>
    private static readonly (string Entity, string Pk)[] Slots =
    [
        .. GroupPks.Select(pk => ("group", pk.ToString())),
        .. UserPks.Select(pk => ("user", pk.ToString(CultureInfo.InvariantCulture))),
        .. ProviderPks.Select(pk => ("provider", pk.ToString(CultureInfo.InvariantCulture))),
        .. ApplicationPks.Select(pk => ("application", pk.ToString())),
        .. CodePks.Select(pk => ("authorization_code", pk.ToString(CultureInfo.InvariantCulture))),
    ];

    public static string Print(Case @case) => "Delivered:\n" + string.Join('\n', @case.Delivered.Select(e => e.Json));

    public sealed record Case(List<HistoryEvent> History, List<HistoryEvent> Delivered);

    /// <summary>
    /// The draws behind one event: version step (0 makes a tie), id, delete (30 %), a second delivery
    /// (25 %), where each delivery lands, and the entity's state. Every draw shrinks towards the
    /// simpler case: a save, delivered once, in history order, with the fewest optional parts.
    /// </summary>
    private sealed record EventDraw(int Step, int Id, bool Deleted, bool Duplicated, int Position, int DuplicatePosition, StateDraw State);

    /// <summary>The free parts of an entity's state; each entity reads the ones it has.</summary>
    private sealed record StateDraw(int Name, bool Flag, int Parent, int[] Members, bool[] Included, int Choice, int Expiry, bool StringScope);

    private static readonly Gen<StateDraw> StateDraws = Gen.Select(
        Gen.Int[0, 99],
        Gen.Int[0, 9].Select(x => x >= 7),
        Gen.Int[0, 99],
        Gen.Int[0, 1000].Array[GroupPks.Length],
        Gen.Int[0, 9].Select(x => x >= 6).Array[GroupPks.Length],
        Gen.Int[0, 99],
        Gen.Int[0, 3],
        Gen.Bool,
        (name, flag, parent, members, included, choice, expiry, stringScope) => new StateDraw(name, flag, parent, members, included, choice, expiry, stringScope));

    private static readonly Gen<EventDraw> EventDraws = Gen.Select(
        Gen.Int[0, 2],
        Gen.Int[0, (1 << 20) - 1],
        Gen.Int[0, 9].Select(x => x >= 7),
        Gen.Int[0, 3].Select(x => x == 3),
        Gen.Int[0, 1000],
        Gen.Int[0, 1000],
        StateDraws,
        (step, id, deleted, duplicated, position, duplicatePosition, state) => new EventDraw(step, id, deleted, duplicated, position, duplicatePosition, state));

    /// <summary>
    /// A history of 0–76 events (two per entity on average, as many as 0–4 per entity) spread over the
    /// entities, each entity's versions rising from its own random start; delivered in the drawn
    /// positions (ties keep history order). One flat list, so that shrinking shortens the history.
    /// </summary>
    public static readonly Gen<Case> Cases = Gen.Select(
        Gen.Int[0, 999].Array[Slots.Length],
        Gen.Select(Gen.Int[0, Slots.Length - 1], EventDraws).Array[0, 4 * Slots.Length],
        (starts, draws) =>
        {
            var versions = starts.Select(start => V + (ulong)start).ToArray();
            var history = new List<(HistoryEvent Event, EventDraw Draw)>();
            foreach (var (slot, draw) in draws)
            {
                var (entity, pk) = Slots[slot];
                var version = versions[slot] += (ulong)draw.Step;
                var id = $"e-{draw.Id:x5}";
                var data = draw.Deleted ? null : State(entity, pk, draw.State);
                var json = draw.Deleted ? Deleted(entity, pk, version, id) : Envelope(entity, "saved", pk, version, data, id);
                history.Add((new HistoryEvent(entity, pk, version, draw.Deleted, id, data, json), draw));
            }

            var delivered = history.Select(h => (h.Event, Position: h.Draw.Position))
                .Concat(history.Where(h => h.Draw.Duplicated).Select(h => (h.Event, Position: h.Draw.DuplicatePosition)))
                .OrderBy(d => d.Position)
                .Select(d => d.Event);
            return new Case([.. history.Select(h => h.Event)], [.. delivered]);
        });

    private static JsonObject State(string entity, string pk, StateDraw draw)
    {
        Guid? Group(int roll) => roll < 35 ? null : GroupPks[roll % GroupPks.Length];
        Guid[] Members() => [.. GroupPks.Where((_, i) => draw.Included[i]).OrderBy(g => draw.Members[Array.IndexOf(GroupPks, g)])];
        switch (entity)
        {
            case "group":
                return GroupData(Guid.Parse(pk), $"group-{draw.Name}", draw.Flag, Group(draw.Parent));
            case "user":
                return UserData(long.Parse(pk, CultureInfo.InvariantCulture), $"user{pk}-{draw.Name}", Members());
            case "provider":
                return ProviderData(long.Parse(pk, CultureInfo.InvariantCulture), $"Provider {pk}-{draw.Name}");
            case "application":
                long[] backchannel = [.. new[] { 1L, 2L, 3L }.Where((_, i) => draw.Included[i]).OrderBy(b => draw.Members[b - 1])];
                return ApplicationData(Guid.Parse(pk), $"app-{draw.Name}", draw.Choice < 30 ? null : 1 + (draw.Choice % 4), backchannel);
            default:
                DateTimeOffset?[] expiries = [null, Sample.Now.AddMinutes(10), Sample.Now.AddMinutes(-30), Sample.Now.AddHours(-2)];
                var data = CodeData(long.Parse(pk, CultureInfo.InvariantCulture), 1 + (draw.Choice % 4), 1 + (draw.Parent % 4), null);
                data["expires"] = expiries[draw.Expiry]?.ToString("O", CultureInfo.InvariantCulture);
                data["expiring"] = draw.Name < 80;
                data["scope"] = draw.StringScope ? "openid  email\tprofile" : new JsonArray("openid", "goauthentik.io/api");
                data["code"] = "CODE-SECRET";
                return data;
        }
    }

    /// <summary>The read model as the store answers: every listed code, single retrievals, users by id, existence answers, client secrets.</summary>
    public static async Task<string> RenderAsync(ICodeReadStore store)
    {
        // The store's ordering input is built by src, as the API builds it; the fold orders by pk itself.
        var codes = await store.ListCodesAsync(CodeFilter.All, ListQuery.ParseOrdering("pk"), 0, 1000, CancellationToken.None);
        var retrieved = new List<CodeDocument?>();
        foreach (var pk in CodePks)
        {
            retrieved.Add(await store.GetCodeAsync(pk, CancellationToken.None));
        }

        var users = new List<UserView?>();
        var userExists = new List<bool>();
        foreach (var pk in UserPks.Append(4))
        {
            users.Add(await store.FindUserAsync(SubjectMode.UserId, pk.ToString(CultureInfo.InvariantCulture), CancellationToken.None));
            userExists.Add(await store.UserExistsAsync(pk, CancellationToken.None));
        }

        var providerExists = new List<bool>();
        foreach (var pk in ProviderPks.Append(4))
        {
            providerExists.Add(await store.ProviderExistsAsync(pk, CancellationToken.None));
        }

        var secrets = await store.GetClientSecretsAsync([.. ProviderPks.Append(4)], CancellationToken.None);
        return Render(codes, retrieved, users, userExists, providerExists, secrets);
    }

    private static string Render(
        IReadOnlyList<CodeDocument> codes,
        IReadOnlyList<CodeDocument?> retrieved,
        IReadOnlyList<UserView?> users,
        IReadOnlyList<bool> userExists,
        IReadOnlyList<bool> providerExists,
        IReadOnlyDictionary<long, string> secrets)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("listed");
            JsonSerializer.Serialize(writer, codes);
            writer.WritePropertyName("retrieved");
            JsonSerializer.Serialize(writer, retrieved);
            writer.WritePropertyName("users");
            JsonSerializer.Serialize(writer, users);
            writer.WritePropertyName("user_exists");
            JsonSerializer.Serialize(writer, userExists);
            writer.WritePropertyName("provider_exists");
            JsonSerializer.Serialize(writer, providerExists);
            writer.WritePropertyName("client_secrets");
            JsonSerializer.Serialize(writer, secrets.OrderBy(s => s.Key).ToArray());
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("},{", "},\n{", StringComparison.Ordinal);
    }

    public sealed record HistoryEvent(string Entity, string Pk, ulong Version, bool Deleted, string Id, JsonObject? Data, string Json);

    /// <summary>
    /// The reference: latest event per entity by (version, deleted, id), then every document derived
    /// from scratch. Shares no code with the projector; reads the generated <c>data</c> JSON directly.
    /// </summary>
    public static class NaiveFold
    {
        public static string Render(List<HistoryEvent> history)
        {
            var latest = history
                .Where(e => !(e.Entity == "authorization_code" && e.Data?["expires"] is { } x
                    && DateTimeOffset.Parse((string)x!, CultureInfo.InvariantCulture) < Sample.Now - Grace))
                .GroupBy(e => (e.Entity, e.Pk))
                .Select(g => g.OrderByDescending(e => e.Version).ThenByDescending(e => e.Deleted).ThenByDescending(e => e.Id, StringComparer.Ordinal).First())
                .Where(e => !e.Deleted)
                .ToArray();
            JsonObject[] Live(string entity) => [.. latest.Where(e => e.Entity == entity).Select(e => e.Data!)];

            var groups = Live("group").ToDictionary(g => Guid.Parse((string)g["pk"]!));
            var applications = Live("application").OrderBy(a => (string)a["pk"]!, StringComparer.Ordinal).ToArray();
            var providers = Live("provider").ToDictionary(p => (long)p["pk"]!, p => ProviderOf(p, applications));
            var secrets = Live("provider").ToDictionary(p => (long)p["pk"]!, p => (string)p["client_secret"]!);
            var users = Live("user").ToDictionary(u => (long)u["pk"]!, u => UserOf(u, groups));

            var codes = new SortedDictionary<long, CodeDocument>();
            foreach (var code in Live("authorization_code"))
            {
                if (users.TryGetValue((long)code["user"]!, out var user) && providers.TryGetValue((long)code["provider"]!, out var provider))
                {
                    var scope = code["scope"] is JsonArray list
                        ? list.Select(s => (string)s!).ToArray()
                        : ((string)code["scope"]!).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    var expires = code["expires"] is { } e ? DateTimeOffset.Parse((string)e!, CultureInfo.InvariantCulture).ToUniversalTime() : (DateTimeOffset?)null;
                    codes[(long)code["pk"]!] = new CodeDocument((long)code["pk"]!, provider, user, expires, (bool)code["expiring"]!, scope);
                }
            }

            return ProjectionHistories.Render(
                [.. codes.Values],
                [.. CodePks.Select(pk => codes.GetValueOrDefault(pk))],
                [.. UserPks.Append(4).Select(pk => users.GetValueOrDefault(pk))],
                [.. UserPks.Append(4).Select(users.ContainsKey)],
                [.. ProviderPks.Append(4).Select(providers.ContainsKey)],
                secrets);
        }

        private static ProviderView ProviderOf(JsonObject p, JsonObject[] applicationsByPk)
        {
            var pk = (long)p["pk"]!;
            var assigned = applicationsByPk.FirstOrDefault(a => (long?)a["provider"] == pk);
            var backchannel = applicationsByPk.FirstOrDefault(a => a["backchannel_providers"]!.AsArray().Any(b => (long)b! == pk));
            return new ProviderView(
                pk, (string)p["name"]!, null, Guid.Parse("3fa85f64-5717-4562-b3fc-2c963f66afa6"), [Guid.Parse("9a3b2c1d-0000-4000-8000-000000000001")],
                (string?)assigned?["slug"], (string?)assigned?["name"], (string?)backchannel?["slug"], (string?)backchannel?["name"],
                "confidential", (string)p["client_id"]!, "minutes=1", "minutes=5", "days=30", true, null, (string)p["redirect_uris"]!,
                "hashed_user_id", "per_provider", []);
        }

        private static UserView UserOf(JsonObject u, Dictionary<Guid, JsonObject> liveGroups)
        {
            var direct = u["groups"]!.AsArray().Select(g => Guid.Parse((string)g!)).Where(liveGroups.ContainsKey).ToArray();
            var groupViews = direct.Select(pk =>
            {
                var group = liveGroups[pk];
                var parent = group["parent"] is { } p && liveGroups.ContainsKey(Guid.Parse((string)p!)) ? Guid.Parse((string)p!) : (Guid?)null;
                return new UserGroupView(pk, GroupNumPks[Array.IndexOf(GroupPks, pk)], (string)group["name"]!, (bool)group["is_superuser"]!, parent,
                    parent is { } pp ? (string)liveGroups[pp]["name"]! : null, Sample.Json("{}"));
            }).ToArray();
            var pk = (long)u["pk"]!;
            return new UserView(
                pk, (string)u["username"]!, $"User {pk}", true, new DateTimeOffset(2024, 9, 1, 8, 0, 0, TimeSpan.Zero),
                direct.Any(g => SuperuserFrom(g, 1, [], liveGroups)), direct, groupViews, $"user{pk}@example.com",
                "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", Sample.Json("""{"team":"blue"}"""), $"uid-{pk:D4}", "users", "internal",
                new Guid($"00000000-0000-4000-8000-{pk:D12}"));
        }

        private static bool SuperuserFrom(Guid pk, int depth, HashSet<Guid> seen, Dictionary<Guid, JsonObject> liveGroups) =>
            depth <= 20 && liveGroups.TryGetValue(pk, out var group) && seen.Add(pk)
            && ((bool)group["is_superuser"]! || (group["parent"] is { } parent && SuperuserFrom(Guid.Parse((string)parent!), depth + 1, seen, liveGroups)));
    }
}
