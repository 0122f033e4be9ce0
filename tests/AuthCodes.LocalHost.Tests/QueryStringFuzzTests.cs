using System.Globalization;
using System.Text;
using System.Text.Json;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// Seeded random and hostile query strings against the list and retrieve handlers of the local host's
/// composition. Every answer must be a documented shape (schema-checked 200, field-error 400, the 404
/// details) and never 5xx; valid combinations must answer 200 with exactly the expected page.
/// <c>FUZZ_CASES</c> sets the number of cases (default 3000); <c>FUZZ_SEED</c> replays a run (an
/// integer) or draws a fresh seed (<c>random</c>); the default seed is fixed so CI is repeatable.
/// </summary>
public sealed class QueryStringFuzzTests : IDisposable
{
    private const string List = "oauth2_authorization_codes_list";
    private const string Retrieve = "oauth2_authorization_codes_retrieve";
    private const int DefaultCases = 3000;
    private const int DefaultSeed = 20240913;
    private const int MaxReportedFailures = 10;

    private static readonly string[] ParamNames = ["page", "page_size", "ordering", "user", "provider", "search", "include_groups"];
    private static readonly string[] JunkNames = ["junk", "PAGE", "page[]", "", "%70age", "user ", "search%00", "__proto__", "🦄"];
    private static readonly string[] OrderingTerms = ["pk", "provider", "user", "expires"];

    private static readonly string[] HostileValues =
    [
        "", "0", "1", "2", "3", "-1", "+2", " 3 ", "\t2\n", "\u00a04", "٣", "١٠", "１", "1_0", "1__0", "_1", "1_", "03",
        "2147483647", "2147483648", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "99999999999999999999999999999999999999999", "1e3", "0x10", "1.0", "last", "LAST", "Last ", "first",
        "%00", "1%00", "%", "%zz", "%E2%82", "%ED%A0%80", "%FF%FE", "%2B3", "%20%2B3%20", "&", "=", "==", "a=b=c", "#frag",
        "true", "TRUE", "True", "false", "0", "yes",
        "-pk,,expires", ",,,", "-", "--pk", "pk desc", "-expires,-user,-provider,-pk", "provider__name", "?ordering=pk",
        "'; DROP TABLE authentik_core_user; --", "1 OR 1=1", "\" OR \"\"=\"", "$where", "{\"$gt\":\"\"}", "<script>alert(1)</script>",
        "🦄", "👩‍👩‍👧‍👦", "\u202eevil", "Ünïcødé", "\ud800", "alice bob", "alice,openid",
    ];

    // The embedded store completes synchronously.
    private readonly HashSet<(string OperationId, int Status, string Body)> validBodies = [];

    private readonly ApiHarness harness = new(SeededStore.CreateAsync().GetAwaiter().GetResult());

    private static int Cases => FuzzRun.Cases(DefaultCases);

    private static int Seed => FuzzRun.Seed(DefaultSeed);

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Hostile_list_queries_get_only_documented_answers()
    {
        var seed = Seed;
        var random = new Random(seed);
        var failures = new List<string>();
        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Cases && failures.Count < MaxReportedFailures; i++)
        {
            var query = HostileQuery(random);
            var token = random.Next(2) == 0 ? ApiHarness.AdminToken : ApiHarness.AliceToken;
            var answer = await harness.ListAsync(query, token);
            statuses[answer.Status] = statuses.GetValueOrDefault(answer.Status) + 1;
            if (CheckListAnswer(query, token, answer) is { } problem)
            {
                failures.Add($"case {i} [{token}] ?{query} -> {answer.Status} {Truncate(answer.Body)}: {problem}");
            }
        }

        Report(seed, failures);
        if (Cases >= 300)
        {
            // The generator must reach every documented answer, or it tests less than it claims.
            Assert.All(new[] { 200, 400, 404 }, status => Assert.True(statuses.GetValueOrDefault(status) >= Cases / 50, $"only {statuses.GetValueOrDefault(status)} answers {status} (seed {seed})"));
        }
    }

    [Fact]
    public async Task Hostile_retrieve_queries_get_only_documented_answers()
    {
        var seed = Seed;
        var random = new Random(seed);
        var failures = new List<string>();
        string[] ids = ["100", "101", "+102", " 103 ", "١٠٤", "1_05", "0", "-100", "99999999999999999999", "abc", "", "100.0", "%31%30%30"];
        for (var i = 0; i < Cases / 3 && failures.Count < MaxReportedFailures; i++)
        {
            var query = HostileQuery(random);
            var id = random.Next(3) == 0 ? Pick(random, HostileValues) : Pick(random, ids);
            var token = random.Next(2) == 0 ? ApiHarness.AdminToken : ApiHarness.AliceToken;
            var answer = await harness.RetrieveAsync(id, query, token);
            var problem = answer.Status switch
            {
                200 => SchemaProblem(Retrieve, answer)
                    ?? (token == ApiHarness.AliceToken && UserPkOf(JsonDocument.Parse(answer.Body).RootElement) != SeededStore.AlicePk
                        ? "a non-superuser retrieved someone else's code" : null),
                400 => FieldErrorProblem(query, answer),
                404 => answer.Body == """{"detail":"Not found."}""" ? null : "404 body is not {\"detail\":\"Not found.\"}",
                _ => $"undocumented status {answer.Status}",
            };
            if (problem is not null)
            {
                failures.Add($"case {i} [{token}] id={id} ?{query} -> {answer.Status} {Truncate(answer.Body)}: {problem}");
            }
        }

        Report(seed, failures);
    }

    [Fact]
    public async Task Valid_combinations_answer_200_with_exactly_the_expected_page()
    {
        var seed = Seed;
        var random = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < Cases / 2 && failures.Count < MaxReportedFailures; i++)
        {
            var valid = ValidCombination(random);
            var answer = await harness.ListAsync(valid.Query, valid.Token);
            var problem = answer.Status != 200
                ? $"expected 200 on page {valid.Page} of {valid.ExpectedCount} codes"
                : SchemaProblem(List, answer) ?? PageProblem(answer, valid);
            if (problem is not null)
            {
                failures.Add($"case {i} [{valid.Token}] ?{valid.Query} -> {answer.Status} {Truncate(answer.Body)}: {problem}");
            }
        }

        Report(seed, failures);
    }

    private static string HostileQuery(Random random)
    {
        var parts = new List<string>();
        var count = random.Next(0, 9);
        for (var p = 0; p < count; p++)
        {
            var name = random.Next(8) == 0 ? Pick(random, JunkNames) : Pick(random, ParamNames);
            var value = random.Next(10) switch
            {
                0 => new string('a', random.Next(250, 300)),
                1 => string.Concat(Enumerable.Repeat("🦄", random.Next(120, 300))),
                2 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
                3 => OrderingValue(random, allowJunk: true),
                4 => string.Join(random.Next(2) == 0 ? " " : ",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pick(random, SeededStore.SearchWords))),
                _ => Pick(random, HostileValues),
            };
            parts.Add(random.Next(10) switch
            {
                0 => name, // no '=' at all
                1 or 2 => name + "=" + value, // raw: percent-garbage, '+', '&' and friends reach the parser as they are
                _ => Uri.EscapeDataString(name) + "=" + EscapeLenient(value),
            });
        }

        return string.Join('&', parts);
    }

    /// <summary>What a client library would send; lone surrogates (unencodable) are sent raw.</summary>
    private static string EscapeLenient(string value)
    {
        try
        {
            return Uri.EscapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    private static string OrderingValue(Random random, bool allowJunk)
    {
        var terms = Enumerable.Range(0, random.Next(1, 5)).Select(_ =>
            (random.Next(2) == 0 ? "-" : "") + (allowJunk && random.Next(4) == 0 ? Pick(random, HostileValues) : Pick(random, OrderingTerms)));
        return string.Join(random.Next(5) == 0 ? ", " : ",", terms);
    }

    /// <summary>The checks every list answer must pass, whatever the query; null when it does.</summary>
    private string? CheckListAnswer(string query, string token, Answer answer)
    {
        if (answer.ContentType != "application/json")
        {
            return $"content type {answer.ContentType}";
        }

        return answer.Status switch
        {
            200 => SchemaProblem(List, answer) ?? ListInvariantProblem(query, token, answer),
            400 => FieldErrorProblem(query, answer),
            404 => answer.Body == """{"detail":"Invalid page."}""" ? null : "404 body is not {\"detail\":\"Invalid page.\"}",
            >= 500 => $"server error {answer.Status}",
            _ => $"undocumented status {answer.Status}",
        };
    }

    /// <summary>Schema errors of the answer. Many queries get the very same body, and schema validation is the slow part, so valid bodies are remembered.</summary>
    private string? SchemaProblem(string operationId, Answer answer)
    {
        if (validBodies.Contains((operationId, answer.Status, answer.Body)))
        {
            return null;
        }

        var errors = OpenApiContract.Validate(operationId, answer.Status, answer.Body);
        if (errors.Count == 0)
        {
            validBodies.Add((operationId, answer.Status, answer.Body));
            return null;
        }

        return "schema: " + string.Join("; ", errors.Take(5));
    }

    private static string? ListInvariantProblem(string query, string token, Answer answer)
    {
        var root = JsonDocument.Parse(answer.Body).RootElement;
        var pagination = root.GetProperty("pagination");
        var results = root.GetProperty("results").EnumerateArray().ToArray();
        int Get(string name) => pagination.GetProperty(name).GetInt32();
        var expectedLength = Get("count") == 0 ? 0 : Get("end_index") - Get("start_index") + 1;
        if (results.Length != expectedLength || results.Length > 1000)
        {
            return $"{results.Length} results for start_index {Get("start_index")}..end_index {Get("end_index")}";
        }

        if (Get("current") < 1 || Get("current") > Get("total_pages"))
        {
            return "current page outside 1..total_pages";
        }

        var superuser = token == ApiHarness.AdminToken;
        var includeGroups = string.Equals(LastValue(query, "include_groups") ?? "true", "true", StringComparison.OrdinalIgnoreCase);
        foreach (var code in results)
        {
            if (!superuser && UserPkOf(code) != SeededStore.AlicePk)
            {
                return "a non-superuser sees someone else's code";
            }

            if (code.GetProperty("provider").TryGetProperty("client_secret", out _) != superuser)
            {
                return superuser ? "client_secret missing for a superuser" : "client_secret leaked to a non-superuser";
            }

            if ((code.GetProperty("user").GetProperty("groups_obj").ValueKind == JsonValueKind.Null) == includeGroups)
            {
                return $"groups_obj does not follow include_groups={LastValue(query, "include_groups")}";
            }
        }

        return null;
    }

    private string? FieldErrorProblem(string query, Answer answer)
    {
        if (SchemaProblem(List, answer) is { } schema)
        {
            return schema;
        }

        using var document = JsonDocument.Parse(answer.Body);
        foreach (var field in document.RootElement.EnumerateObject())
        {
            var expected = field.Name switch
            {
                "user" or "provider" => ListQuery.InvalidChoiceMessage,
                "search" => ListQuery.SearchTooLongMessage,
                _ => null,
            };
            if (expected is null || field.Value.GetArrayLength() != 1 || field.Value[0].GetString() != expected)
            {
                return $"unexpected field error {field}";
            }
        }

        var search = LastValue(query, "search");
        var searchTooLong = search is not null && search.EnumerateRunes().Count() > ListQuery.MaxSearchLength;
        return document.RootElement.TryGetProperty("search", out _) == searchTooLong
            ? null
            : $"search of {search?.EnumerateRunes().Count()} code points: error expected {searchTooLong}";
    }

    private static string? PageProblem(Answer answer, ValidCase valid)
    {
        var root = JsonDocument.Parse(answer.Body).RootElement;
        var pagination = root.GetProperty("pagination");
        var pks = root.GetProperty("results").EnumerateArray().Select(c => c.GetProperty("pk").GetInt64()).ToArray();
        if (pagination.GetProperty("count").GetInt32() != valid.ExpectedCount || pagination.GetProperty("current").GetInt32() != valid.Page)
        {
            return $"expected count {valid.ExpectedCount} page {valid.Page}";
        }

        return pks.SequenceEqual(valid.ExpectedPks) ? null : $"expected pks [{string.Join(',', valid.ExpectedPks)}]";
    }

    private sealed record ValidCase(string Token, string Query, int ExpectedCount, int Page, long[] ExpectedPks);

    /// <summary>A query every part of which is valid, spelled in the many ways Python's <c>int()</c> accepts, with its expected page.</summary>
    private static ValidCase ValidCombination(Random random)
    {
        var token = random.Next(2) == 0 ? ApiHarness.AdminToken : ApiHarness.AliceToken;
        var caller = token == ApiHarness.AdminToken ? SeededStore.Admin : SeededStore.Alice;
        var parts = new List<(string Name, string Value)>();
        long? user = random.Next(3) == 0 ? null : Pick(random, SeededStore.UserPks);
        long? provider = random.Next(3) == 0 ? null : Pick(random, SeededStore.ProviderPks);
        if (user is { } u)
        {
            parts.Add(("user", IntSpelling(random, u)));
        }

        if (provider is { } p)
        {
            parts.Add(("provider", IntSpelling(random, p)));
        }

        string? search = random.Next(3) == 0
            ? string.Join(random.Next(2) == 0 ? " " : ",", Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(random, SeededStore.SearchWords)))
            : null;
        if (search is not null)
        {
            parts.Add(("search", search));
        }

        var ordering = random.Next(4) == 0 ? null : OrderingValue(random, allowJunk: random.Next(3) == 0);
        if (ordering is not null)
        {
            parts.Add(("ordering", ordering));
        }

        var pageSize = random.Next(3) == 0 ? ListQuery.DefaultPageSize : random.Next(1, 12);
        if (pageSize != ListQuery.DefaultPageSize || random.Next(2) == 0)
        {
            parts.Add(("page_size", IntSpelling(random, pageSize)));
        }

        if (random.Next(2) == 0)
        {
            parts.Add(("include_groups", Pick(random, new[] { "true", "TRUE", "false", "0", "" })));
        }

        var scopedUser = caller.IsSuperuser ? user : user is null || user == caller.UserPk ? caller.UserPk : -1;
        var filter = new CodeFilter(scopedUser, provider, ListQuery.SplitSearchTerms(search) is { Count: > 0 } terms ? terms : null);
        var matching = SeededStore.Codes.Where(filter.Matches).ToArray();
        Array.Sort(matching, ListQuery.ParseOrdering(ordering));
        var totalPages = PageEnvelope.TotalPagesFor(matching.Length, pageSize);
        var page = random.Next(1, totalPages + 1);
        switch (random.Next(4))
        {
            case 0 when page == 1:
                break; // page omitted
            case 1 when page == totalPages:
                parts.Add(("page", "last"));
                break;
            default:
                parts.Add(("page", IntSpelling(random, page)));
                break;
        }

        // Shuffle, and sometimes repeat a parameter with a junk value first: the last value wins.
        var shuffled = parts.OrderBy(_ => random.Next()).ToList();
        if (shuffled.Count > 0 && random.Next(3) == 0)
        {
            var repeated = shuffled[random.Next(shuffled.Count)];
            shuffled.Remove(repeated);
            shuffled.Add((repeated.Name, Pick(random, HostileValues)));
            shuffled.Add(repeated);
        }

        var query = string.Join('&', shuffled.Select(kv => Uri.EscapeDataString(kv.Name) + "=" + Uri.EscapeDataString(kv.Value)));
        var expected = matching.Skip((page - 1) * pageSize).Take(pageSize).Select(c => c.Pk).ToArray();
        return new ValidCase(token, query, matching.Length, page, expected);
    }

    private static string IntSpelling(Random random, long value)
    {
        var plain = value.ToString(CultureInfo.InvariantCulture);
        return random.Next(8) switch
        {
            0 => "+" + plain,
            1 => " " + plain + " ",
            2 => "0" + plain,
            3 => string.Concat(plain.Select(c => (char)('٠' + (c - '0')))), // Arabic-Indic digits
            4 => string.Concat(plain.Select(c => (char)('０' + (c - '0')))), // fullwidth digits
            5 when plain.Length > 1 => plain[0] + "_" + plain[1..],
            6 => "\t" + plain + "\n",
            _ => plain,
        };
    }

    private static string? LastValue(string query, string name) =>
        QueryHelpers.ParseQuery("?" + query).TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static long UserPkOf(JsonElement code) => code.GetProperty("user").GetProperty("pk").GetInt64();

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static void Report(int seed, List<string> failures)
    {
        if (failures.Count > 0)
        {
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"{failures.Count} failing case(s) (first {MaxReportedFailures} shown). Replay with FUZZ_SEED={seed} FUZZ_CASES={Cases}.")
                .AppendJoin(Environment.NewLine, failures);
            Assert.Fail(message.ToString());
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
