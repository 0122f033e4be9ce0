using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// Hostile event bodies through the whole intake (parse, project, record rejections): valid events
/// of every entity, mutated in their JSON tree (values of every JSON type, removed or duplicated
/// properties, lone surrogates, deep nesting) or in their text (truncated, bytes inserted or dropped).
/// Every body must end as an outcome, never an exception, and no secret may reach a reason, a
/// recorded body or a log line. <c>FUZZ_CASES</c> sets the number of cases (default 3000);
/// <c>FUZZ_SEED</c> replays a run (an integer, or <c>random</c>).
/// </summary>
public sealed class ChangeEventFuzzTests : IDisposable
{
    private const int DefaultCases = 3000;
    private const int DefaultSeed = 20261128;
    private const string ProviderSecret = "fuzz-provider-secret";
    private const string CodeSecret = "fuzz-code-secret";

    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ReadModelStores store;
    private readonly FakeLogger<ChangeEventIntake> logger = new();
    private readonly Projector projector;
    private readonly ChangeEventIntake intake;

    public ChangeEventFuzzTests()
    {
        store = EmbeddedReadModelStore.Create(time);
        projector = new Projector(store.Snapshots, store.Views, time);
        intake = new ChangeEventIntake(new ChangeEventParser(Events.Source), projector, store.RejectedEvents, new ProjectionProgress(), time, logger);
    }

    public void Dispose() => projector.Dispose();

    private static int Cases => FuzzRun.Cases(DefaultCases);

    private static int Seed => FuzzRun.Seed(DefaultSeed);

    [Fact]
    public async Task Hostile_bodies_end_as_outcomes_without_exceptions_or_leaked_secrets()
    {
        var seed = Seed;
        var random = new Random(seed);
        var kinds = new Dictionary<OutcomeKind, int>();
        for (var i = 0; i < Cases; i++)
        {
            var body = Mutate(random, ValidEvent(random, i));
            ProjectionOutcome outcome;
            try
            {
                outcome = await intake.HandleAsync(BinaryData.FromString(body), CancellationToken.None);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException($"case {i} threw; replay with FUZZ_SEED={seed} FUZZ_CASES={i + 1}; body: {body}", exception);
            }

            kinds[outcome.Kind] = kinds.GetValueOrDefault(outcome.Kind) + 1;
            var replay = $"case {i}, replay with FUZZ_SEED={seed} FUZZ_CASES={i + 1}; body: {body}";
            Assert.False(outcome.Kind == OutcomeKind.Rejected && string.IsNullOrWhiteSpace(outcome.Reason), $"a rejection without a reason: {replay}");
            Assert.False(HoldsSecret(outcome.Reason), $"reason '{outcome.Reason}' holds a secret: {replay}");
        }

        var leakedRecord = (await store.RejectedEvents.ListRejectedEventsAsync(int.MaxValue, CancellationToken.None)).FirstOrDefault(r => HoldsSecret(r.Body));
        Assert.True(leakedRecord is null, $"FUZZ_SEED={seed}: rejection record {leakedRecord?.RecordId} holds a secret: {leakedRecord?.Body}");
        var leakedLine = logger.Collector.GetSnapshot().FirstOrDefault(line => HoldsSecret(line.Message));
        Assert.True(leakedLine is null, $"FUZZ_SEED={seed}: a log line holds a secret: {leakedLine?.Message}");

        // The mutations must exercise both sides, or the test proves little.
        Assert.True(kinds.GetValueOrDefault(OutcomeKind.Rejected) > Cases / 4, $"rejected: {kinds.GetValueOrDefault(OutcomeKind.Rejected)} of {Cases}");
        Assert.True(kinds.GetValueOrDefault(OutcomeKind.Applied) > Cases / 20, $"applied: {kinds.GetValueOrDefault(OutcomeKind.Applied)} of {Cases}");
    }

    private static bool HoldsSecret(string? text) =>
        text is not null && (text.Contains(CodeSecret, StringComparison.Ordinal) || text.Contains(ProviderSecret, StringComparison.Ordinal));

    /// <summary>One valid event of a random entity and action, over a small pool of pks so that events meet.</summary>
    private static JsonObject ValidEvent(Random random, int i)
    {
        var version = Events.V + (ulong)i;
        var pk = random.Next(1, 6);
        var group = new Guid($"00000000-0000-4000-8000-{random.Next(1, 4):D12}");
        var (entity, key, data) = random.Next(5) switch
        {
            0 => ("user", pk.ToString(CultureInfo.InvariantCulture), Events.UserData(pk, groups: [group])),
            1 => ("group", group.ToString(), Events.GroupData(group, $"group {pk}", isSuperuser: pk == 1)),
            2 => ("provider", pk.ToString(CultureInfo.InvariantCulture), Events.ProviderData(pk, clientSecret: ProviderSecret)),
            3 => ("application", group.ToString(), Events.ApplicationData(group, $"app-{pk}", pk)),
            _ => ("authorization_code", (9000 + pk).ToString(CultureInfo.InvariantCulture), CodeWithSecrets(9000 + pk, pk, random.Next(1, 6))),
        };
        var json = random.Next(6) == 0 ? Events.Deleted(entity, key, version) : Events.Envelope(entity, "saved", key, version, data);
        return JsonNode.Parse(json)!.AsObject();
    }

    private static JsonObject CodeWithSecrets(long pk, long provider, long user)
    {
        var data = Events.CodeData(pk, provider, user);
        data["code"] = CodeSecret;
        data["nonce"] = CodeSecret;
        return data;
    }

    private static string Mutate(Random random, JsonObject root)
    {
        var mutations = random.Next(4);
        for (var m = 0; m < mutations; m++)
        {
            MutateTree(random, root);
        }

        var text = root.ToJsonString();
        return random.Next(5) switch
        {
            0 => MutateText(random, text),
            1 => DuplicateProperty(random, text),
            _ => text,
        };
    }

    private static void MutateTree(Random random, JsonObject root)
    {
        var target = random.Next(3) == 0 || root["data"] is not JsonObject data ? root : data;
        var names = target.Select(p => p.Key).ToList();
        if (names.Count == 0)
        {
            return;
        }

        var name = names[random.Next(names.Count)];
        switch (random.Next(3))
        {
            case 0:
                target.Remove(name);
                break;
            case 1:
                target[name] = HostileValue(random);
                break;
            default:
                target.Remove(name);
                target[name.ToUpperInvariant()] = HostileValue(random);
                break;
        }
    }

    private static JsonNode? HostileValue(Random random) => random.Next(15) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue)),
        3 => JsonNode.Parse("18446744073709551616"),
        4 => JsonNode.Parse("-1.5e308"),
        5 => JsonValue.Create(""),
        6 => JsonValue.Create("x\u0000y\u2028"),
        7 => JsonValue.Create("2024-13-45T99:99:99Z"),
        8 => JsonValue.Create(new string('a', random.Next(1000, 70000))),
        9 => new JsonArray(),
        10 => new JsonObject(),
        11 => JsonNode.Parse(new string('[', 60) + new string(']', 60)),
        12 => new JsonArray(JsonValue.Create("openid"), JsonValue.Create(1), null),
        13 => JsonValue.Create("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11"),
        _ => JsonValue.Create("😀 ünïcödé"),
    };

    /// <summary>Raw edits the tree cannot express: truncation, stray or dropped bytes, nesting beyond the reader's depth, a lone surrogate escape.</summary>
    private static string MutateText(Random random, string text)
    {
        var at = OutsideSecretNames(text, random.Next(text.Length));
        return random.Next(5) switch
        {
            0 => text[..at],
            1 => text.Remove(at, 1),
            2 => text.Insert(at, ((char)random.Next(0x20, 0x7f)).ToString()),
            3 => text.Replace("\"data\":", "\"deep\":" + new string('[', 70) + new string(']', 70) + ",\"data\":", StringComparison.Ordinal),
            _ => InsertInString(text, at, random.Next(2) == 0 ? "\\ud800" : "\\udfff"),
        };
    }

    /// <summary>
    /// Moves an edit off a secret's property name: a name garbled beyond recognition (<c>cliet_secret</c>)
    /// is no longer a secret's name to anyone, so the leak check would only measure the garbling.
    /// </summary>
    private static int OutsideSecretNames(string text, int at)
    {
        foreach (var name in ChangeEventParser.SecretFields.Select(f => $"\"{f}\""))
        {
            for (var found = text.IndexOf(name, StringComparison.Ordinal); found >= 0; found = text.IndexOf(name, found + 1, StringComparison.Ordinal))
            {
                if (at >= found && at < found + name.Length)
                {
                    return found + name.Length;
                }
            }
        }

        return at;
    }

    /// <summary>Puts an escape right after the next opening quote of a string value at or after <paramref name="at"/>.</summary>
    private static string InsertInString(string text, int at, string escape)
    {
        var quote = text.IndexOf(":\"", at, StringComparison.Ordinal);
        return quote < 0 ? text : text.Insert(quote + 2, escape);
    }

    private static string DuplicateProperty(Random random, string text)
    {
        var properties = new StringBuilder();
        var comma = text.IndexOf(',', random.Next(text.Length));
        if (comma < 0)
        {
            return text;
        }

        var start = text.LastIndexOf('{', comma) + 1;
        properties.Append(text, start, comma - start);
        return text.Insert(comma + 1, properties + ",");
    }
}
