using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Api;
using Json.Schema;
using Xunit;

namespace AuthCodes.Testing;

/// <summary>
/// Holds responses to our own OpenAPI document (the one the API embeds and serves). Response schemas
/// are OpenAPI 3.1 schemas, i.e. JSON Schema 2020-12; the whole document is registered under
/// <see cref="BaseUri"/> so that <c>#/components/schemas/...</c> references resolve, and formats
/// (<c>date-time</c>, <c>uuid</c>) are asserted, not just annotated.
/// </summary>
public static class OpenApiContract
{
    /// <summary>The base URI the embedded document is registered under (never fetched).</summary>
    public static readonly Uri BaseUri = new("https://authcodes.invalid/openapi.json");

    private static readonly JsonNode Document = JsonNode.Parse(OpenApi.Document.Span)
        ?? throw new InvalidOperationException("The embedded OpenAPI document is empty.");

    // A yes/no pass first (fast); the detailed pass runs only to explain a failure.
    private static readonly EvaluationOptions FlagOptions = CreateOptions(OutputFormat.Flag);
    private static readonly EvaluationOptions ListOptions = CreateOptions(OutputFormat.List);

    private static readonly ConcurrentDictionary<(string OperationId, int Status), JsonSchema> Schemas = new();

    /// <summary>
    /// Fails the test, listing every schema error, unless <paramref name="json"/> is a valid body for
    /// <paramref name="status"/> of <paramref name="operationId"/> (e.g. <c>oauth2_authorization_codes_list</c>).
    /// An operation or status the document does not declare fails too.
    /// </summary>
    public static void AssertResponseMatches(string operationId, int status, string json)
    {
        var errors = Validate(operationId, status, json);
        if (errors.Count > 0)
        {
            Assert.Fail(
                $"Response {status} of {operationId} does not match the OpenAPI document ({errors.Count} error(s)):{Environment.NewLine}"
                + string.Join(Environment.NewLine, errors.Select(e => "  - " + e))
                + $"{Environment.NewLine}Body: {Truncate(json)}");
        }
    }

    /// <inheritdoc cref="AssertResponseMatches(string, int, string)"/>
    public static void AssertResponseMatches(string operationId, int status, ReadOnlySpan<byte> utf8Json) =>
        AssertResponseMatches(operationId, status, Encoding.UTF8.GetString(utf8Json));

    /// <summary>Reads the response's status and body and asserts as <see cref="AssertResponseMatches(string, int, string)"/>, also requiring a JSON content type.</summary>
    public static async Task AssertResponseMatchesAsync(string operationId, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType != "application/json")
        {
            Assert.Fail($"Response {(int)response.StatusCode} of {operationId} has content type '{mediaType}', not application/json. Body: {Truncate(body)}");
        }

        AssertResponseMatches(operationId, (int)response.StatusCode, body);
    }

    /// <summary>The schema errors of <paramref name="json"/> for that response, each as "instance location: message"; empty when valid.</summary>
    public static IReadOnlyList<string> Validate(string operationId, int status, string json)
    {
        JsonSchema schema;
        try
        {
            schema = Schemas.GetOrAdd((operationId, status), key => ResponseSchema(key.OperationId, key.Status));
        }
        catch (KeyNotFoundException missing)
        {
            return [missing.Message];
        }

        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(json);
        }
        catch (JsonException invalid)
        {
            return [$"(body): not JSON: {invalid.Message}"];
        }

        return schema.Evaluate(instance, FlagOptions).IsValid ? [] : Errors(schema.Evaluate(instance, ListOptions));
    }

    /// <summary>The operation ids the document declares.</summary>
    public static IReadOnlyList<string> OperationIds =>
        [.. Operations().Select(o => o.Operation["operationId"]!.GetValue<string>())];

    private static EvaluationOptions CreateOptions(OutputFormat outputFormat)
    {
        var options = new EvaluationOptions
        {
            OutputFormat = outputFormat,
            RequireFormatValidation = true,
            EvaluateAs = SpecVersion.Draft202012,
        };
        options.SchemaRegistry.Register(new JsonNodeBaseDocument(Document, BaseUri));
        return options;
    }

    /// <summary>A schema that refers into the registered document, so nested references resolve against it.</summary>
    private static JsonSchema ResponseSchema(string operationId, int status)
    {
        var (path, method, operation) = Operations().FirstOrDefault(o => o.Operation["operationId"]?.GetValue<string>() == operationId);
        if (operation is null)
        {
            throw new KeyNotFoundException($"The OpenAPI document has no operation '{operationId}' (it has: {string.Join(", ", OperationIds)}).");
        }

        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation["responses"]?[code] is not JsonObject response)
        {
            throw new KeyNotFoundException($"Operation '{operationId}' ({method.ToUpperInvariant()} {path}) declares no {status} response.");
        }

        if (response["content"]?["application/json"]?["schema"] is not JsonObject schema)
        {
            throw new KeyNotFoundException($"Response {status} of '{operationId}' declares no application/json schema.");
        }

        var pointer = string.Join('/', ["#", "paths", Escape(path), method, "responses", code, "content", Escape("application/json"), "schema"]);
        var reference = new Uri(BaseUri, pointer.Replace("{", "%7B", StringComparison.Ordinal).Replace("}", "%7D", StringComparison.Ordinal));
        // Local references inside an inline schema would not know the document; ours are all component references.
        if (schema["$ref"]?.GetValue<string>() is { } local && local.StartsWith("#/", StringComparison.Ordinal))
        {
            reference = new Uri(BaseUri, local);
        }

        return new JsonSchemaBuilder().Schema(MetaSchemas.Draft202012Id).Ref(reference).Build();
    }

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        from path in Document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where method.Value is JsonObject
        select (path.Key, method.Key, method.Value!.AsObject());

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static List<string> Errors(EvaluationResults results)
    {
        var errors = new List<string>();
        foreach (var detail in results.Details.Where(d => !d.IsValid && d.Errors is { Count: > 0 }))
        {
            foreach (var (keyword, message) in detail.Errors!)
            {
                var location = detail.InstanceLocation.ToString();
                var evaluationPath = detail.EvaluationPath.ToString();
                var text = keyword.Length == 0 && evaluationPath.EndsWith("/additionalProperties", StringComparison.Ordinal)
                    ? "key not declared by the schema (additionalProperties: false)"
                    : message;
                errors.Add($"{(location.Length == 0 ? "(root)" : location)}: {text} [{(keyword.Length == 0 ? "false schema" : keyword)} at {evaluationPath}]");
            }
        }

        if (errors.Count == 0)
        {
            errors.Add("(root): invalid, with no detailed error reported");
        }

        return [.. errors.Distinct()];
    }

    private static string Truncate(string json) => json.Length <= 2000 ? json : json[..2000] + "…";
}
