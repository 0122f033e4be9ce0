using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using CsCheck;
using Xunit.Abstractions;
using static AuthCodes.Projection.Tests.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// The acceptance property: for a generated history over all five entities (creates, updates,
/// deletes, re-creates, equal-version ties), any permutation with duplicates, fed through the
/// parser and the projector, yields exactly the read model of a naive fold written here (latest
/// event per entity, every document derived afresh, fixed time), compared as the API writes it.
/// Cases: <c>PROJECTION_CASES</c> (default 5000, about 20 s here); one case: <c>PROJECTION_SEED</c>.
/// </summary>
public sealed class OrderIndependenceProperty(ITestOutputHelper output)
{
    private static readonly Guid[] GroupPks = [.. Enumerable.Range(1, 4).Select(i => new Guid($"{i:D8}-0000-4000-8000-00000000000{i}"))];
    private static readonly Guid[] ApplicationPks = [.. new[] { "f", "3", "a" }.Select(c => Guid.Parse($"{c}0000000-0000-4000-8000-000000000000"))];
    private static readonly long[] UserPks = [1, 2, 3];
    private static readonly long[] ProviderPks = [1, 2, 3];
    private static readonly long[] CodePks = [1, 2, 3, 4, 5, 6];
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    [Fact]
    public async Task Any_permutation_with_duplicates_yields_the_naive_folds_read_model()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("PROJECTION_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 5000;
        var stopwatch = Stopwatch.StartNew();
        if (int.TryParse(Environment.GetEnvironmentVariable("PROJECTION_SEED"), CultureInfo.InvariantCulture, out var only))
        {
            await CheckCaseAsync(only);
        }
        else
        {
            await Gen.Int.SampleAsync(CheckCaseAsync, iter: cases, threads: 1);
        }

        output.WriteLine($"{cases} cases in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task CheckCaseAsync(int seed)
    {
        var random = new Random(seed);
        var history = GenerateHistory(random);
        var delivered = Deliver(history, random);
        var expected = NaiveFold.Render(history);

        using var harness = new Harness();
        foreach (var e in delivered)
        {
            await harness.SendAsync(e.Json);
        }

        var actual = await RenderAsync(harness.Store.Codes);
        if (expected != actual)
        {
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"Case seed {seed} (rerun alone with PROJECTION_SEED={seed}) differs from the naive fold.")
                .AppendLine("Delivered:").AppendJoin('\n', delivered.Select(e => e.Json)).AppendLine()
                .AppendLine("Expected:").AppendLine(expected)
                .AppendLine("Actual:").AppendLine(actual);
            throw new Xunit.Sdk.XunitException(message.ToString());
        }
    }

    /// <summary>Each entity gets 0–4 events with non-decreasing versions (equal versions produce ties), some deletes and re-creates.</summary>
    private static List<HistoryEvent> GenerateHistory(Random random)
    {
        var events = new List<HistoryEvent>();
        void For<TPk>(string entity, IEnumerable<TPk> pks, Func<TPk, JsonObject> state)
            where TPk : notnull
        {
            foreach (var pk in pks)
            {
                var count = random.Next(0, 5);
                var version = V + (ulong)random.Next(0, 1000);
                for (var i = 0; i < count; i++)
                {
                    version += (ulong)random.Next(0, 3);
                    var id = $"e-{random.Next(0, 1 << 20):x5}";
                    var pkText = pk.ToString()!;
                    var deleted = random.NextDouble() < 0.3;
                    var data = deleted ? null : state(pk);
                    var json = deleted ? Deleted(entity, pkText, version, id) : Envelope(entity, "saved", pkText, version, data, id);
                    events.Add(new HistoryEvent(entity, pkText, version, deleted, id, data, json));
                }
            }
        }

        Guid? AnyGroup() => random.NextDouble() < 0.35 ? null : GroupPks[random.Next(GroupPks.Length)];
        T[] Subset<T>(T[] items) => [.. items.Where(_ => random.NextDouble() < 0.4).OrderBy(_ => random.Next())];

        For("group", GroupPks, pk => GroupData(pk, $"group-{random.Next(100)}", random.NextDouble() < 0.3, AnyGroup()));
        For("user", UserPks, pk => UserData(pk, $"user{pk}-{random.Next(100)}", Subset(GroupPks)));
        For("provider", ProviderPks, pk => ProviderData(pk, $"Provider {pk}-{random.Next(100)}"));
        For("application", ApplicationPks, pk => ApplicationData(
            pk, $"app-{random.Next(100)}", random.NextDouble() < 0.3 ? null : random.Next(1, 5), Subset([1L, 2L, 3L])));
        For("authorization_code", CodePks, pk =>
        {
            DateTimeOffset?[] expiries = [null, Sample.Now.AddMinutes(10), Sample.Now.AddMinutes(-30), Sample.Now.AddHours(-2)];
            var data = CodeData(pk, random.Next(1, 5), random.Next(1, 5), null);
            data["expires"] = expiries[random.Next(expiries.Length)]?.ToString("O", CultureInfo.InvariantCulture);
            data["expiring"] = random.NextDouble() < 0.8;
            data["scope"] = random.NextDouble() < 0.5 ? "openid  email\tprofile" : new JsonArray("openid", "goauthentik.io/api");
            data["code"] = "CODE-SECRET";
            return data;
        });
        return events;
    }

    /// <summary>A random permutation with about a quarter of the events delivered twice.</summary>
    private static List<HistoryEvent> Deliver(List<HistoryEvent> history, Random random)
    {
        var delivered = new List<HistoryEvent>(history);
        delivered.AddRange(history.Where(_ => random.NextDouble() < 0.25));
        return [.. delivered.OrderBy(_ => random.Next())];
    }

    /// <summary>The read model as the API shows it: every listed code (superuser render), single retrievals, existence answers, client secrets.</summary>
    private static async Task<string> RenderAsync(ICodeReadStore store)
    {
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

    internal static string Render(
        IReadOnlyList<CodeDocument> codes,
        IReadOnlyList<CodeDocument?> retrieved,
        IReadOnlyList<UserView?> users,
        IReadOnlyList<bool> userExists,
        IReadOnlyList<bool> providerExists,
        IReadOnlyDictionary<long, string> secrets)
    {
        var options = new RenderOptions(Sample.Now, IncludeGroups: true, ClientSecrets: secrets);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("listed");
            foreach (var code in codes)
            {
                ResponseWriter.WriteCode(writer, code, options);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("retrieved");
            foreach (var code in retrieved)
            {
                if (code is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    ResponseWriter.WriteCode(writer, code, options);
                }
            }

            writer.WriteEndArray();
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

    internal sealed record HistoryEvent(string Entity, string Pk, ulong Version, bool Deleted, string Id, JsonObject? Data, string Json);

    /// <summary>
    /// The reference: latest event per entity by (version, deleted, id), then every document derived
    /// from scratch. Shares no code with the projector; reads the generated <c>data</c> JSON directly.
    /// </summary>
    private static class NaiveFold
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

            return OrderIndependenceProperty.Render(
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
                return new UserGroupView(pk, GroupNumbers.NumPk(pk), (string)group["name"]!, (bool)group["is_superuser"]!, parent,
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
