using System.Globalization;
using System.Text.Json;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using CsCheck;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// Generated random and hostile query strings against the list and retrieve handlers of the local
/// host's composition. Every answer must be a documented shape (schema-checked 200, field-error 400,
/// the 404 details) and never 5xx; valid combinations must answer 200 with exactly the expected page.
/// 3000 list, 1000 retrieve and 1500 valid cases through <see cref="PropertyRun"/>: a failure is
/// shrunk to the shortest, plainest query that still fails and printed with the seed that replays it.
/// </summary>
public sealed class QueryStringFuzzTests : IDisposable
{
    private const string List = "oauth2_authorization_codes_list";
    private const string Retrieve = "oauth2_authorization_codes_retrieve";
    private const int ListCases = 3000;
    private const ulong DefaultSeed = 20240913;

    // authentik's documented answers (docs/api-differences.md), written out rather than read from src.
    private const int DefaultPageSize = 100;
    private const int MaxSearchLength = 256;
    private const string InvalidChoiceMessage = "Select a valid choice. That choice is not one of the available choices.";
    private const string SearchTooLongMessage = "Ensure this field has no more than 256 characters.";

    private static readonly string[] ParamNames = ["page", "page_size", "ordering", "user", "provider", "search", "include_groups"];
    private static readonly string[] JunkNames = ["junk", "PAGE", "page[]", "", "%70age", "user ", "search%00", "__proto__", "🦄"];
    private static readonly string[] OrderingTerms = ["pk", "provider", "user", "expires"];
    private static readonly string[] RetrieveIds = ["100", "101", "+102", " 103 ", "١٠٤", "1_05", "0", "-100", "99999999999999999999", "abc", "", "100.0", "%31%30%30"];

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

    private static readonly Gen<string> Hostile = Gen.OneOfConst(HostileValues);

    private static readonly Gen<string> Tokens = Gen.Bool.Select(admin => admin ? ApiHarness.AdminToken : ApiHarness.AliceToken);

    /// <summary>Up to eight parameters, mostly known names (one in eight junk), with hostile, huge, numeric, ordering or search values, escaped as a client would (seven in ten), raw, or without '='.</summary>
    private static readonly Gen<string> HostileQueries = Gen.Select(
        Gen.Frequency((7, Gen.OneOfConst(ParamNames)), (1, Gen.OneOfConst(JunkNames))),
        Gen.Frequency(
            (5, Hostile),
            (1, SearchValues(maxWords: 3)),
            (1, OrderingValues(allowJunk: true)),
            (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
            (1, Gen.Int[250, 299].Select(n => new string('a', n))),
            (1, Gen.Int[120, 299].Select(n => string.Concat(Enumerable.Repeat("🦄", n))))),
        Gen.Int[0, 9],
        (name, value, form) => form switch
        {
            9 => name, // no '=' at all
            7 or 8 => name + "=" + value, // raw: percent-garbage, '+', '&' and friends reach the parser as they are
            _ => Uri.EscapeDataString(name) + "=" + EscapeLenient(value),
        }).Array[0, 8].Select(parts => string.Join('&', parts));

    // The embedded store completes synchronously.
    private readonly HashSet<(string OperationId, int Status, string Body)> validBodies = [];

    private readonly ApiHarness harness = new(SeededStore.CreateAsync().GetAwaiter().GetResult());

    public void Dispose() => harness.Dispose();

    [Fact]
    public async Task Hostile_list_queries_get_only_documented_answers()
    {
        var statuses = new Dictionary<int, int>();
        var cases = await PropertyRun.CheckAsync(
            Gen.Select(HostileQueries, Tokens, (query, token) => new HostileCase(query, token, "")),
            async c =>
            {
                var answer = await harness.ListAsync(c.Query, c.Token);
                statuses[answer.Status] = statuses.GetValueOrDefault(answer.Status) + 1;
                Fail(CheckListAnswer(c.Query, c.Token, answer), answer);
            },
            DefaultSeed,
            ListCases,
            c => $"[{c.Token}] ?{c.Query}");

        if (cases >= 300)
        {
            // The generator must reach every documented answer, or it tests less than it claims.
            Assert.All(new[] { 200, 400, 404 }, status => Assert.True(statuses.GetValueOrDefault(status) >= cases / 50, $"only {statuses.GetValueOrDefault(status)} answers {status}"));
        }
    }

    [Fact]
    public async Task Hostile_retrieve_queries_get_only_documented_answers()
    {
        var statuses = new Dictionary<int, int>();
        var cases = await PropertyRun.CheckAsync(
            Gen.Select(HostileQueries, Tokens, Gen.Frequency((2, Gen.OneOfConst(RetrieveIds)), (1, Hostile)), (query, token, id) => new HostileCase(query, token, id)),
            async c =>
            {
                var answer = await harness.RetrieveAsync(c.Id, c.Query, c.Token);
                statuses[answer.Status] = statuses.GetValueOrDefault(answer.Status) + 1;
                Fail(answer.Status switch
                {
                    200 => SchemaProblem(Retrieve, answer)
                        ?? (c.Token == ApiHarness.AliceToken && UserPkOf(JsonDocument.Parse(answer.Body).RootElement) != SeededStore.AlicePk
                            ? "a non-superuser retrieved someone else's code" : null),
                    400 => FieldErrorProblem(c.Query, answer),
                    404 => answer.Body == """{"detail":"Not found."}""" ? null : "404 body is not {\"detail\":\"Not found.\"}",
                    _ => $"undocumented status {answer.Status}",
                }, answer);
            },
            DefaultSeed,
            ListCases / 3,
            c => $"[{c.Token}] id={c.Id} ?{c.Query}");

        if (cases >= 300)
        {
            // A retrieve that always answered 404 (or 400) would pass every check above.
            Assert.All(new[] { 200, 400, 404 }, status => Assert.True(statuses.GetValueOrDefault(status) >= cases / 50, $"only {statuses.GetValueOrDefault(status)} answers {status}"));
        }
    }

    [Fact]
    public async Task Valid_combinations_answer_200_with_exactly_the_expected_page()
    {
        await PropertyRun.CheckAsync(
            ValidCases,
            async valid =>
            {
                var answer = await harness.ListAsync(valid.Query, valid.Token);
                Fail(answer.Status != 200
                    ? $"expected 200 on page {valid.Page} of {valid.ExpectedCount} codes"
                    : SchemaProblem(List, answer) ?? PageProblem(answer, valid), answer);
            },
            DefaultSeed,
            ListCases / 2,
            valid => $"[{valid.Token}] ?{valid.Query}");
    }

    private sealed record HostileCase(string Query, string Token, string Id);

    private static void Fail(string? problem, Answer answer)
    {
        if (problem is not null)
        {
            throw new Xunit.Sdk.XunitException($"{problem}: {answer.Status} {Truncate(answer.Body)}");
        }
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

    private static Gen<string> SearchValues(int maxWords) =>
        Gen.Select(Gen.OneOfConst(SeededStore.SearchWords).Array[1, maxWords], Gen.Bool, (words, comma) => string.Join(comma ? "," : " ", words));

    /// <summary>One to four terms, each descending half the time; with junk, one term in four is a hostile value.</summary>
    private static Gen<string> OrderingValues(bool allowJunk)
    {
        var terms = allowJunk ? Gen.Frequency((3, Gen.OneOfConst(OrderingTerms)), (1, Hostile)) : Gen.OneOfConst(OrderingTerms);
        return Gen.Select(Gen.Select(Gen.Bool, terms, (descending, term) => (descending ? "-" : "") + term).Array[1, 4], Gen.Int[0, 4],
            (parts, separator) => string.Join(separator == 4 ? ", " : ",", parts));
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
                "user" or "provider" => InvalidChoiceMessage,
                "search" => SearchTooLongMessage,
                _ => null,
            };
            if (expected is null || field.Value.GetArrayLength() != 1 || field.Value[0].GetString() != expected)
            {
                return $"unexpected field error {field}";
            }
        }

        var search = LastValue(query, "search");
        var searchTooLong = search is not null && search.EnumerateRunes().Count() > MaxSearchLength;
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

    /// <summary>The filters of a valid query: caller, user and provider (each absent one time in three), search, ordering, page size, include_groups.</summary>
    private sealed record ValidFilters(bool Admin, long? User, long? Provider, string? Search, string? Ordering, int PageSize, bool SendPageSize, string? IncludeGroups);

    /// <summary>How a valid query is written: the int spellings, which page and how it is named, the parameters' order, and a junk value sent before a repeated parameter.</summary>
    private sealed record ValidSpelling(int[] IntSpellings, int PageRoll, int PageForm, int[] Order, bool Repeat, int Repeated, string Junk);

    private static readonly Gen<ValidFilters> ValidFilterDraws = Gen.Select(
        Gen.Bool,
        Gen.Frequency((1, Gen.Const((long?)null)), (2, Gen.OneOfConst(SeededStore.UserPks).Select(pk => (long?)pk))),
        Gen.Frequency((1, Gen.Const((long?)null)), (2, Gen.OneOfConst(SeededStore.ProviderPks).Select(pk => (long?)pk))),
        Gen.Frequency((2, Gen.Const((string?)null)), (1, SearchValues(maxWords: 2).Select(v => (string?)v))),
        Gen.Frequency((1, Gen.Const((string?)null)), (2, OrderingValues(allowJunk: false).Select(v => (string?)v)), (1, OrderingValues(allowJunk: true).Select(v => (string?)v))),
        Gen.Frequency((1, Gen.Const(DefaultPageSize)), (2, Gen.Int[1, 11])),
        Gen.Bool,
        Gen.Frequency((1, Gen.Const((string?)null)), (1, Gen.OneOfConst<string?>("true", "TRUE", "false", "0", ""))),
        (admin, user, provider, search, ordering, pageSize, sendPageSize, includeGroups) =>
            new ValidFilters(admin, user, provider, search, ordering, pageSize, sendPageSize, includeGroups));

    private static readonly Gen<ValidSpelling> ValidSpellingDraws = Gen.Select(
        Gen.Int[0, 7].Array[4],
        Gen.Int[0, 1000],
        Gen.Int[0, 3],
        Gen.Int[0, 1000].Array[8],
        Gen.Int[0, 2].Select(x => x == 2),
        Gen.Int[0, 100],
        Hostile,
        (spellings, pageRoll, pageForm, order, repeat, repeated, junk) => new ValidSpelling(spellings, pageRoll, pageForm, order, repeat, repeated, junk));

    /// <summary>A query every part of which is valid, spelled in the many ways Python's <c>int()</c> accepts, with its expected page.</summary>
    private static readonly Gen<ValidCase> ValidCases = Gen.Select(ValidFilterDraws, ValidSpellingDraws, (f, spelling) =>
    {
        var token = f.Admin ? ApiHarness.AdminToken : ApiHarness.AliceToken;
        var caller = f.Admin ? SeededStore.Admin : SeededStore.Alice;
        var parts = new List<(string Name, string Value)>();
        if (f.User is { } u)
        {
            parts.Add(("user", IntSpelling(u, spelling.IntSpellings[0])));
        }

        if (f.Provider is { } p)
        {
            parts.Add(("provider", IntSpelling(p, spelling.IntSpellings[1])));
        }

        if (f.Search is not null)
        {
            parts.Add(("search", f.Search));
        }

        if (f.Ordering is not null)
        {
            parts.Add(("ordering", f.Ordering));
        }

        if (f.PageSize != DefaultPageSize || f.SendPageSize)
        {
            parts.Add(("page_size", IntSpelling(f.PageSize, spelling.IntSpellings[2])));
        }

        if (f.IncludeGroups is not null)
        {
            parts.Add(("include_groups", f.IncludeGroups));
        }

        var matching = ReferenceList.Select(SeededStore.Codes, caller.UserPk, caller.IsSuperuser, f.User, f.Provider, f.Search, f.Ordering);
        var totalPages = ReferenceList.TotalPages(matching.Length, f.PageSize);
        var page = 1 + (spelling.PageRoll % totalPages);
        switch (spelling.PageForm)
        {
            case 0 when page == 1:
                break; // page omitted
            case 1 when page == totalPages:
                parts.Add(("page", "last"));
                break;
            default:
                parts.Add(("page", IntSpelling(page, spelling.IntSpellings[3])));
                break;
        }

        // Reorder, and sometimes repeat a parameter with a junk value first: the last value wins.
        var ordered = parts.Select((part, i) => (part, key: spelling.Order[i])).OrderBy(x => x.key).Select(x => x.part).ToList();
        if (ordered.Count > 0 && spelling.Repeat)
        {
            var repeated = ordered[spelling.Repeated % ordered.Count];
            ordered.Remove(repeated);
            ordered.Add((repeated.Name, spelling.Junk));
            ordered.Add(repeated);
        }

        var query = string.Join('&', ordered.Select(kv => Uri.EscapeDataString(kv.Name) + "=" + Uri.EscapeDataString(kv.Value)));
        var expected = ReferenceList.Page(matching, page, f.PageSize).Select(c => c.Pk).ToArray();
        return new ValidCase(token, query, matching.Length, page, expected);
    });

    /// <summary>Spellings python3's <c>int()</c> reads as the value (checked on the development machine, e.g. <c>int("\t12\n")</c>, <c>int("١٢")</c>, <c>int("1_2")</c>: 12).</summary>
    private static string IntSpelling(long value, int spelling)
    {
        var plain = value.ToString(CultureInfo.InvariantCulture);
        return spelling switch
        {
            1 => "+" + plain,
            2 => " " + plain + " ",
            3 => "0" + plain,
            4 => string.Concat(plain.Select(c => (char)('٠' + (c - '0')))), // Arabic-Indic digits
            5 => string.Concat(plain.Select(c => (char)('０' + (c - '0')))), // fullwidth digits
            6 when plain.Length > 1 => plain[0] + "_" + plain[1..],
            7 => "\t" + plain + "\n",
            _ => plain,
        };
    }

    private static string? LastValue(string query, string name) =>
        QueryHelpers.ParseQuery("?" + query).TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    private static long UserPkOf(JsonElement code) => code.GetProperty("user").GetProperty("pk").GetInt64();

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
