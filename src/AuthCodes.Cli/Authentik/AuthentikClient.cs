using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuthCodes.Publishing;
using Polly.Timeout;

namespace AuthCodes.Cli.Authentik;

/// <summary>One page of an authentik list: the items, the next page number (0: none) and authentik's clock when it answered.</summary>
internal sealed record AuthentikPage(IReadOnlyList<JsonObject> Results, int Next, int TotalPages, int Count, DateTimeOffset ServerTime);

/// <summary>A list endpoint of authentik's API and how its items become contract data.</summary>
internal sealed record AuthentikResource(string Name, string Entity, string ListPath, string Query, Func<JsonObject, DateTimeOffset, IEntityData> Map)
{
    /// <summary>In dependency order (groups before users, providers before applications and codes), though order does not matter to the projector.</summary>
    public static IReadOnlyList<AuthentikResource> All { get; } =
    [
        new("groups", EntityNames.Group, "api/v3/core/groups/", "include_users=false&ordering=pk",
            (item, _) => Deserialize<GroupData>(item)),
        new("users", EntityNames.User, "api/v3/core/users/", "include_groups=false&ordering=pk",
            (item, _) => Deserialize<UserData>(item)),
        new("providers", EntityNames.Provider, "api/v3/providers/oauth2/", "ordering=pk",
            (item, _) => Deserialize<ProviderData>(item)),
        new("applications", EntityNames.Application, "api/v3/core/applications/", "superuser_full_list=true&ordering=pk",
            (item, _) => Deserialize<ApplicationData>(item)),
        new("authorization_codes", EntityNames.AuthorizationCode, "api/v3/oauth2/authorization_codes/", "ordering=pk", MapCode),
    ];

    public static AuthentikResource ForEntity(string entity) => All.Single(r => r.Entity == entity);

    /// <summary>The retrieve route of one entity: by pk, or by slug for applications (authentik's lookup field).</summary>
    public string DetailPath(string pk, string? slug) => $"{ListPath}{Uri.EscapeDataString(Entity == EntityNames.Application ? slug ?? pk : pk)}/";

    private static T Deserialize<T>(JsonObject item) =>
        item.Deserialize<T>(ChangeEventFactory.DataJson) ?? throw new JsonException("null item");

    /// <summary>
    /// The list nests the provider and user objects and has no <c>expiring</c>: a code that is not
    /// expired although its <c>expires</c> lies before authentik's clock does not expire.
    /// </summary>
    private static AuthorizationCodeData MapCode(JsonObject item, DateTimeOffset serverTime)
    {
        var expires = item["expires"] is JsonValue e && e.GetValueKind() == JsonValueKind.String
            ? DateTimeOffset.Parse((string)e!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : (DateTimeOffset?)null;
        var isExpired = item["is_expired"] is JsonValue x && x.GetValueKind() == JsonValueKind.True;
        return new AuthorizationCodeData(Pk(item, "pk"), NestedPk(item, "provider"), NestedPk(item, "user"))
        {
            Expires = expires,
            Expiring = isExpired || expires is null || expires > serverTime,
            Scope = item["scope"] switch
            {
                JsonArray scopes => [.. scopes.Select(s => (string?)s ?? "")],
                JsonValue text when text.GetValueKind() == JsonValueKind.String => ((string)text!).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
                _ => [],
            },
        };
    }

    private static long NestedPk(JsonObject item, string field) =>
        item[field] is JsonObject nested ? Pk(nested, "pk") : Pk(item, field);

    private static long Pk(JsonObject item, string field) =>
        item[field] is JsonValue value && value.TryGetValue<long>(out var pk)
            ? pk
            : throw new JsonException($"'{field}' is not an integer pk.");
}

/// <summary>Reads authentik's REST API (v3) with an admin token; the resilience and rate limit live in the HttpClient's handlers.</summary>
internal sealed class AuthentikClient(HttpClient http, int pageSize)
{
    public async Task<AuthentikPage> GetPageAsync(AuthentikResource resource, int page, CancellationToken cancellationToken)
    {
        var path = $"{resource.ListPath}?{resource.Query}&page={page}&page_size={pageSize}";
        using var response = await GetAsync(path, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new AuthentikException($"GET {path} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(body)}");
        }

        var serverTime = ServerTime(response, path);
        try
        {
            var root = JsonNode.Parse(body)!.AsObject();
            var pagination = root["pagination"]!.AsObject();
            var results = root["results"]!.AsArray().Select(item => item!.AsObject()).ToList();
            return new AuthentikPage(results, (int?)pagination["next"] ?? 0, (int?)pagination["total_pages"] ?? 1, (int?)pagination["count"] ?? results.Count, serverTime);
        }
        catch (Exception exception) when (exception is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new AuthentikException($"GET {path} did not answer authentik's paginated list ({exception.Message}).");
        }
    }

    /// <summary>Whether the entity still exists (200) or is gone (404), with authentik's clock when it answered.</summary>
    public async Task<(bool Exists, DateTimeOffset ServerTime)> ExistsAsync(AuthentikResource resource, string pk, string? slug, CancellationToken cancellationToken)
    {
        var path = resource.DetailPath(pk, slug);
        using var response = await GetAsync(path, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.NotFound))
        {
            throw new AuthentikException($"GET {path} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        return (response.StatusCode == HttpStatusCode.OK, ServerTime(response, path));
    }

    /// <summary>
    /// The resilience handler has already retried a refused connection or a timeout; what still fails
    /// becomes one line naming the request, not a stack trace.
    /// </summary>
    private async Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException)
        {
            throw new AuthentikException($"authentik could not be read after retries: GET {new Uri(http.BaseAddress!, path)} failed: {exception.Message.TrimEnd('.')}.");
        }
    }

    private static DateTimeOffset ServerTime(HttpResponseMessage response, string path) =>
        response.Headers.Date ?? throw new AuthentikException($"GET {path} answered without a Date header: versions come from authentik's clock.");

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
