using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Cli.Tests;

/// <summary>
/// authentik's REST API as far as the tool reads it, served in-process by TestServer: the five
/// list routes with authentik's page-number pagination, the retrieve routes, a bearer token,
/// a <c>Date</c> header from a fake clock, and scripted transient failures per page.
/// </summary>
internal sealed class FakeAuthentik : IAsyncDisposable
{
    public const string Token = "ak-admin-token";
    public const string BaseUrl = "https://auth.example.com/";

    public const string Groups = "/api/v3/core/groups/";
    public const string Users = "/api/v3/core/users/";
    public const string Providers = "/api/v3/providers/oauth2/";
    public const string Applications = "/api/v3/core/applications/";
    public const string Codes = "/api/v3/oauth2/authorization_codes/";

    private readonly WebApplication app;
    private readonly Dictionary<string, Queue<int>> failures = [];

    private FakeAuthentik(WebApplication app) => this.app = app;

    public SignalingClock Clock { get; } = new(TestEvents.Now);

    public Dictionary<string, List<JsonObject>> Lists { get; } = new()
    {
        [Groups] = [], [Users] = [], [Providers] = [], [Applications] = [], [Codes] = [],
    };

    /// <summary>Items left out of the list pages but still served by their retrieve route (a list that moved while read).</summary>
    public HashSet<string> HiddenFromLists { get; } = [];

    public List<string> Requests { get; } = [];

    public HttpMessageHandler Handler => app.GetTestServer().CreateHandler();

    public static async Task<FakeAuthentik> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        FakeAuthentik? fake = null;
        var app = builder.Build();
        app.Run(context => fake!.HandleAsync(context));
        fake = new FakeAuthentik(app);
        await app.StartAsync();
        return fake;
    }

    /// <summary>The next requests of a list page answer these statuses (429 with <c>Retry-After: 1</c>).</summary>
    public void Fail(string list, int page, params int[] statuses)
    {
        var key = $"{list}#{page}";
        if (!failures.TryGetValue(key, out var queue))
        {
            failures[key] = queue = new Queue<int>();
        }

        foreach (var status in statuses)
        {
            queue.Enqueue(status);
        }
    }

    public List<JsonObject> this[string list] => Lists[list];

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        lock (Requests)
        {
            Requests.Add(path + context.Request.QueryString);
        }

        context.Response.Headers.Date = Clock.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        if (context.Request.Headers.Authorization != $"Bearer {Token}")
        {
            await Json(context, 403, new JsonObject { ["detail"] = "Authentication credentials were not provided." });
            return;
        }

        if (Lists.TryGetValue(path, out var items))
        {
            var page = int.TryParse(context.Request.Query["page"], out var p) ? p : 1;
            if (failures.TryGetValue($"{path}#{page}", out var queue) && queue.TryDequeue(out var status))
            {
                if (status == 429)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await Json(context, status, new JsonObject { ["detail"] = "scripted failure" });
                return;
            }

            var size = int.TryParse(context.Request.Query["page_size"], out var s) && s > 0 ? s : 100;
            var visible = items.Where(item => !HiddenFromLists.Contains(Key(path, item))).ToList();
            var totalPages = Math.Max(1, (visible.Count + size - 1) / size);
            if (page < 1 || page > totalPages)
            {
                await Json(context, 404, new JsonObject { ["detail"] = "Invalid page." });
                return;
            }

            var results = new JsonArray([.. visible.Skip((page - 1) * size).Take(size).Select(item => item.DeepClone())]);
            await Json(context, 200, new JsonObject
            {
                ["pagination"] = new JsonObject
                {
                    ["next"] = page < totalPages ? page + 1 : 0,
                    ["previous"] = page > 1 ? page - 1 : 0,
                    ["count"] = visible.Count,
                    ["current"] = page,
                    ["total_pages"] = totalPages,
                    ["start_index"] = visible.Count == 0 ? 0 : ((page - 1) * size) + 1,
                    ["end_index"] = Math.Min(page * size, visible.Count),
                },
                ["results"] = results,
            });
            return;
        }

        foreach (var (list, all) in Lists)
        {
            if (path.StartsWith(list, StringComparison.Ordinal) && path.EndsWith('/') && path.Length > list.Length)
            {
                var id = Uri.UnescapeDataString(path[list.Length..^1]);
                var found = all.FirstOrDefault(item => Key(list, item) == id);
                await Json(context, found is null ? 404 : 200, found?.DeepClone() ?? new JsonObject { ["detail"] = "Not found." });
                return;
            }
        }

        await Json(context, 404, new JsonObject { ["detail"] = "Not found." });
    }

    /// <summary>The retrieve route's lookup: the slug for applications, the pk otherwise.</summary>
    private static string Key(string list, JsonObject item) =>
        list == Applications ? (string)item["slug"]! : item["pk"]!.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)item["pk"]! : item["pk"]!.ToJsonString();

    private static async Task Json(HttpContext context, int status, JsonNode body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>authentik API objects as the list routes return them (with the fields the tool must ignore).</summary>
internal static class AuthentikObjects
{
    public static JsonObject Group(Guid pk, string name, bool superuser = false, Guid? parent = null) => new()
    {
        ["pk"] = pk.ToString("D"), ["num_pk"] = 12345, ["name"] = name, ["is_superuser"] = superuser,
        ["parent"] = parent?.ToString("D"), ["parent_name"] = null, ["users"] = new JsonArray(), ["attributes"] = new JsonObject(), ["roles"] = new JsonArray(),
    };

    public static JsonObject User(long pk, string username, params Guid[] groups) => new()
    {
        ["pk"] = pk, ["username"] = username, ["name"] = username.ToUpperInvariant(), ["is_active"] = true, ["last_login"] = null,
        ["is_superuser"] = false, ["groups"] = new JsonArray([.. groups.Select(g => (JsonNode)g.ToString("D"))]), ["groups_obj"] = null,
        ["email"] = $"{username}@example.com", ["avatar"] = "data:image/svg+xml;base64,AAAA", ["attributes"] = new JsonObject { ["k"] = "v" },
        ["uid"] = $"uid-{pk}", ["path"] = "users", ["type"] = "internal", ["uuid"] = $"00000000-0000-4000-8000-{pk:D12}",
    };

    public static JsonObject Provider(long pk, string name) => new()
    {
        ["pk"] = pk, ["name"] = name, ["authentication_flow"] = null, ["authorization_flow"] = "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        ["property_mappings"] = new JsonArray(), ["component"] = "ak-provider-oauth2-form", ["assigned_application_slug"] = "ignored",
        ["verbose_name"] = "OAuth2/OpenID Provider", ["client_type"] = "confidential", ["client_id"] = $"client-{pk}", ["client_secret"] = $"secret-{pk}",
        ["access_code_validity"] = "minutes=1", ["access_token_validity"] = "minutes=5", ["refresh_token_validity"] = "days=30",
        ["include_claims_in_id_token"] = true, ["signing_key"] = null, ["redirect_uris"] = $"https://app{pk}.example.com/cb",
        ["sub_mode"] = "hashed_user_id", ["issuer_mode"] = "per_provider", ["jwks_sources"] = new JsonArray(),
    };

    public static JsonObject Application(Guid pk, string slug, long? provider) => new()
    {
        ["pk"] = pk.ToString("D"), ["name"] = slug.ToUpperInvariant(), ["slug"] = slug, ["provider"] = provider, ["provider_obj"] = null,
        ["backchannel_providers"] = new JsonArray(), ["launch_url"] = null, ["open_in_new_tab"] = false, ["meta_launch_url"] = "",
        ["policy_engine_mode"] = "any", ["group"] = "",
    };

    /// <summary>The list nests the provider and the user and carries no secrets and no <c>expiring</c>.</summary>
    public static JsonObject Code(long pk, JsonObject provider, JsonObject user, DateTimeOffset expires, bool isExpired = false) => new()
    {
        ["pk"] = pk, ["provider"] = provider.DeepClone(), ["user"] = user.DeepClone(), ["is_expired"] = isExpired,
        ["expires"] = expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        ["scope"] = new JsonArray("openid", "profile"),
    };
}
