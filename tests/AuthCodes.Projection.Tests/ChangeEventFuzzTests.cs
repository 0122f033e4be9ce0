using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using CsCheck;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// Hostile event bodies through the whole intake (parse, project, record rejections): valid events
/// of every entity, mutated in their JSON tree (values of every JSON type, removed or duplicated
/// properties, lone surrogates, deep nesting) or in their text (truncated, bytes inserted or dropped).
/// Every body must end as an outcome, never an exception, and no secret may reach a reason, a
/// recorded body or a log line. A case is a run of 1–20 bodies through a fresh intake, over a small
/// pool of pks so that events meet; 300 cases (about 3,000 bodies) through <see cref="PropertyRun"/>,
/// so a failure is shrunk to the fewest, least mutated bodies and printed with the seed that replays it.
/// </summary>
public sealed class ChangeEventFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCases = 300;
    private const ulong DefaultSeed = 20261128;
    private const string ProviderSecret = "fuzz-provider-secret";
    private const string CodeSecret = "fuzz-code-secret";

    [Fact]
    public async Task Hostile_bodies_end_as_outcomes_without_exceptions_or_leaked_secrets()
    {
        var kinds = new Dictionary<OutcomeKind, int>();
        var cases = await PropertyRun.CheckAsync(Bodies, bodies => CheckBodiesAsync(bodies, kinds), DefaultSeed, DefaultCases, Print);

        // The mutations must exercise both sides, or the test proves little.
        var total = kinds.Values.Sum();
        output.WriteLine($"{cases} cases, {total} bodies: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.True(kinds.GetValueOrDefault(OutcomeKind.Rejected) > total / 4, $"rejected: {kinds.GetValueOrDefault(OutcomeKind.Rejected)} of {total}");
        Assert.True(kinds.GetValueOrDefault(OutcomeKind.Applied) > total / 20, $"applied: {kinds.GetValueOrDefault(OutcomeKind.Applied)} of {total}");
    }

    private static async Task CheckBodiesAsync(string[] bodies, Dictionary<OutcomeKind, int> kinds)
    {
        var time = new FakeTimeProvider(Sample.Now);
        var store = EmbeddedReadModelStore.Create(time);
        var logger = new FakeLogger<ChangeEventIntake>();
        var projector = new Projector(store.Snapshots, store.Views, time);
        var intake = new ChangeEventIntake(new ChangeEventParser(Events.Source), projector, store.RejectedEvents, store.Snapshots, new ProjectionProgress(), time, logger);
        foreach (var body in bodies)
        {
            var outcome = await intake.HandleAsync(BinaryData.FromString(body), CancellationToken.None);
            kinds[outcome.Kind] = kinds.GetValueOrDefault(outcome.Kind) + 1;
            Assert.False(outcome.Kind == OutcomeKind.Rejected && string.IsNullOrWhiteSpace(outcome.Reason), $"a rejection without a reason: {body}");
            Assert.False(HoldsSecret(outcome.Reason), $"reason '{outcome.Reason}' holds a secret: {body}");
        }

        var leakedRecord = (await store.RejectedEvents.ListRejectedEventsAsync(int.MaxValue, CancellationToken.None)).FirstOrDefault(r => HoldsSecret(r.Body));
        Assert.True(leakedRecord is null, $"rejection record {leakedRecord?.RecordId} holds a secret: {leakedRecord?.Body}");
        var leakedLine = logger.Collector.GetSnapshot().FirstOrDefault(line => HoldsSecret(line.Message));
        Assert.True(leakedLine is null, $"a log line holds a secret: {leakedLine?.Message}");
    }

    private static string Print(string[] bodies) => $"{bodies.Length} bodies:\n" + string.Join('\n', bodies);

    private static bool HoldsSecret(string? text) =>
        text is not null && (text.Contains(CodeSecret, StringComparison.Ordinal) || text.Contains(ProviderSecret, StringComparison.Ordinal));

    /// <summary>Which valid event: entity, pk, group, the code's user, and a delete (one in six).</summary>
    private sealed record EventDraw(int Entity, int Pk, int Group, int CodeUser, bool Deleted);

    /// <summary>One edit of the tree: at the root (one in three) or in <c>data</c>, which property, and remove, replace or rename it.</summary>
    private sealed record TreeEdit(bool AtRoot, int Property, int Action, JsonNode? Value);

    /// <summary>What happens to the text: nothing (three in five), a raw edit or a duplicated property.</summary>
    private sealed record TextEdit(int Kind, int At, int RawKind, char Inserted, bool HighSurrogate);

    private static readonly Gen<EventDraw> EventDraws = Gen.Select(Gen.Int[0, 4], Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[0, 5].Select(x => x == 5),
        (entity, pk, group, user, deleted) => new EventDraw(entity, pk, group, user, deleted));

    /// <summary>Values of every JSON type, the simplest first so that shrinking ends at <c>null</c>.</summary>
    private static readonly Gen<JsonNode?> HostileValues = Gen.Select(Gen.Int[0, 14], Gen.Bool, Gen.Int, Gen.Int[1000, 70000], (kind, flag, number, length) => kind switch
    {
        0 => null,
        1 => JsonValue.Create(flag),
        2 => JsonValue.Create(number),
        3 => JsonNode.Parse("18446744073709551616"),
        4 => JsonNode.Parse("-1.5e308"),
        5 => JsonValue.Create(""),
        6 => JsonValue.Create("x\u0000y\u2028"),
        7 => JsonValue.Create("2024-13-45T99:99:99Z"),
        8 => JsonValue.Create(new string('a', length)),
        9 => new JsonArray(),
        10 => new JsonObject(),
        11 => JsonNode.Parse(new string('[', 60) + new string(']', 60)),
        12 => new JsonArray(JsonValue.Create("openid"), JsonValue.Create(1), null),
        13 => JsonValue.Create("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11"),
        _ => (JsonNode?)JsonValue.Create("😀 ünïcödé"),
    });

    private static readonly Gen<TreeEdit> TreeEdits = Gen.Select(Gen.Int[0, 2].Select(x => x == 2), Gen.Int[0, 1000], Gen.Int[0, 2], HostileValues,
        (atRoot, property, action, value) => new TreeEdit(atRoot, property, action, value));

    private static readonly Gen<TextEdit> TextEdits = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 100_000], Gen.Int[0, 4], Gen.Char[(char)0x20, (char)0x7e], Gen.Bool,
        (kind, at, rawKind, inserted, high) => new TextEdit(kind, at, rawKind, inserted, high));

    /// <summary>A run of bodies; the n-th carries version V + n, so that later events of an entity win.</summary>
    private static readonly Gen<string[]> Bodies = Gen.Select(EventDraws, TreeEdits.Array[0, 3], TextEdits).Array[1, 20]
        .Select(draws => draws.Select((draw, i) => Mutate(ValidEvent(draw.Item1, i), draw.Item2, draw.Item3)).ToArray());

    /// <summary>One valid event of the drawn entity and action, over a small pool of pks so that events meet.</summary>
    private static JsonObject ValidEvent(EventDraw draw, int i)
    {
        var version = Events.V + (ulong)i;
        var pk = draw.Pk;
        var group = new Guid($"00000000-0000-4000-8000-{draw.Group:D12}");
        var (entity, key, data) = draw.Entity switch
        {
            0 => ("user", pk.ToString(CultureInfo.InvariantCulture), Events.UserData(pk, groups: [group])),
            1 => ("group", group.ToString(), Events.GroupData(group, $"group {pk}", isSuperuser: pk == 1)),
            2 => ("provider", pk.ToString(CultureInfo.InvariantCulture), Events.ProviderData(pk, clientSecret: ProviderSecret)),
            3 => ("application", group.ToString(), Events.ApplicationData(group, $"app-{pk}", pk)),
            _ => ("authorization_code", (9000 + pk).ToString(CultureInfo.InvariantCulture), CodeWithSecrets(9000 + pk, pk, draw.CodeUser)),
        };
        var json = draw.Deleted ? Events.Deleted(entity, key, version) : Events.Envelope(entity, "saved", key, version, data);
        return JsonNode.Parse(json)!.AsObject();
    }

    private static JsonObject CodeWithSecrets(long pk, long provider, long user)
    {
        var data = Events.CodeData(pk, provider, user);
        data["code"] = CodeSecret;
        data["nonce"] = CodeSecret;
        return data;
    }

    private static string Mutate(JsonObject root, TreeEdit[] treeEdits, TextEdit textEdit)
    {
        foreach (var edit in treeEdits)
        {
            MutateTree(root, edit);
        }

        var text = root.ToJsonString();
        return textEdit.Kind switch
        {
            3 => MutateText(text, textEdit),
            4 => DuplicateProperty(text, textEdit.At),
            _ => text,
        };
    }

    private static void MutateTree(JsonObject root, TreeEdit edit)
    {
        var target = edit.AtRoot || root["data"] is not JsonObject data ? root : data;
        var names = target.Select(p => p.Key).ToList();
        if (names.Count == 0)
        {
            return;
        }

        var name = names[edit.Property % names.Count];
        var value = edit.Value?.DeepClone();
        switch (edit.Action)
        {
            case 0:
                target[name] = value;
                break;
            case 1:
                target.Remove(name);
                break;
            default:
                target.Remove(name);
                target[name.ToUpperInvariant()] = value;
                break;
        }
    }

    /// <summary>Raw edits the tree cannot express: truncation, stray or dropped bytes, nesting beyond the reader's depth, a lone surrogate escape.</summary>
    private static string MutateText(string text, TextEdit edit)
    {
        var at = OutsideSecretNames(text, edit.At % text.Length);
        return edit.RawKind switch
        {
            0 => text[..at],
            1 => text.Remove(at, 1),
            2 => text.Insert(at, edit.Inserted.ToString()),
            3 => text.Replace("\"data\":", "\"deep\":" + new string('[', 70) + new string(']', 70) + ",\"data\":", StringComparison.Ordinal),
            _ => InsertInString(text, at, edit.HighSurrogate ? "\\ud800" : "\\udfff"),
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

    private static string DuplicateProperty(string text, int at)
    {
        var properties = new StringBuilder();
        var comma = text.IndexOf(',', at % text.Length);
        if (comma < 0)
        {
            return text;
        }

        var start = text.LastIndexOf('{', comma) + 1;
        properties.Append(text, start, comma - start);
        return text.Insert(comma + 1, properties + ",");
    }
}
