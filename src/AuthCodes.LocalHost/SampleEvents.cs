using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuthCodes.LocalHost;

/// <summary>
/// <c>sample-events [--codes N] [--source URI] [--format batch|jsonl]</c>: prints change events describing a small
/// authentik install: three providers and their applications (one as a backchannel provider),
/// nested groups with a superuser group, users (one a superuser only through a parent group, one
/// inactive) and N codes (default 300), every fifth expired minutes ago (inside the grace period,
/// so listed with <c>is_expired: true</c>), the rest valid for hours. Times are relative to now,
/// which is why the set is generated rather than stored. <c>batch</c> (default) is one JSON array, the
/// intake's <c>application/cloudevents-batch+json</c> body; <c>jsonl</c> is one event per line, what
/// <c>authcodes validate</c> and <c>publish</c> read.
/// </summary>
internal static class SampleEvents
{
    public const string Name = "sample-events";
    public const string DefaultSource = "https://auth.example.com/";

    public static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");
    public static readonly Guid Operators = Guid.Parse("0b3f4d6e-2a1c-4e8f-9b7d-1c2e3f4a5b6c");
    public static readonly Guid Employees = Guid.Parse("5f0c7e2a-1b3d-4e5f-8a9b-0c1d2e3f4a5b");
    public static readonly Guid Contractors = Guid.Parse("9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a");

    /// <summary>Users that get codes, in turn: akadmin (superuser), ops (superuser via a parent group), alice, bob.</summary>
    public static readonly long[] UsersWithCodes = [1, 2, 3, 4];

    public const string Usage = "usage: sample-events [--codes <count, default 300>] [--source <CloudEvents source, default https://auth.example.com/>] [--format batch|jsonl]";

    public static int Run(IConfiguration configuration, TextWriter output) => Run(configuration, output, Console.Error);

    public static int Run(IConfiguration configuration, TextWriter output, TextWriter error)
    {
        var codes = 300;
        var format = configuration["format"] ?? "batch";
        if ((configuration["codes"] is { } text && !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out codes)) || format is not ("batch" or "jsonl"))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var events = Generate(DateTimeOffset.UtcNow, codes, configuration["source"] ?? DefaultSource);
        if (format == "batch")
        {
            output.WriteLine(events.ToJsonString());
            return 0;
        }

        foreach (var e in events)
        {
            output.WriteLine(e!.ToJsonString());
        }

        return 0;
    }

    public static JsonArray Generate(DateTimeOffset now, int codes, string source)
    {
        var events = new JsonArray();
        var version = (ulong)((now.ToUnixTimeMilliseconds() * 1000) - 1_000_000); // microseconds, a second before now
        var time = now.ToString("O", CultureInfo.InvariantCulture);
        void Add(string entity, string pk, object data) =>
            events.Add(ChangeEventEnvelope.Create(
                $"sample-{entity}-{pk}", source, entity, ChangeEventType.Saved, pk, version++, JsonSerializer.SerializeToNode(data), time));

        foreach (var (pk, name, slug, redirect) in new[]
        {
            (1, "Grafana", "grafana", "https://grafana.example.com/login/generic_oauth"),
            (2, "Nextcloud", "nextcloud", "https://cloud.example.com/apps/user_oidc/code"),
            (3, "GitLab", "gitlab", "https://gitlab.example.com/users/auth/openid_connect/callback"),
        })
        {
            Add(EntityNames.Provider, pk.ToString(CultureInfo.InvariantCulture), new Dictionary<string, object?>
            {
                ["pk"] = pk,
                ["name"] = name,
                ["authentication_flow"] = null,
                ["authorization_flow"] = "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                ["property_mappings"] = new[] { "9a3b2c1d-0000-4000-8000-000000000001", "9a3b2c1d-0000-4000-8000-000000000002" },
                ["client_type"] = "confidential",
                ["client_id"] = slug,
                ["client_secret"] = $"{slug}-sample-secret",
                ["access_code_validity"] = "minutes=1",
                ["access_token_validity"] = "minutes=5",
                ["refresh_token_validity"] = "days=30",
                ["include_claims_in_id_token"] = true,
                ["signing_key"] = "7b6a5f4e-3d2c-4b1a-9f8e-7d6c5b4a3f2e",
                ["redirect_uris"] = redirect,
                ["sub_mode"] = "hashed_user_id",
                ["issuer_mode"] = "per_provider",
                ["jwks_sources"] = Array.Empty<string>(),
            });
        }

        // Nextcloud's application also lists GitLab's provider as a backchannel provider.
        foreach (var (pk, slug, name, provider, backchannel) in new[]
        {
            ("c1d2e3f4-0000-4000-8000-000000000001", "grafana", "Grafana", 1, Array.Empty<int>()),
            ("c1d2e3f4-0000-4000-8000-000000000002", "nextcloud", "Nextcloud", 2, new[] { 3 }),
            ("c1d2e3f4-0000-4000-8000-000000000003", "gitlab", "GitLab", 3, Array.Empty<int>()),
        })
        {
            Add(EntityNames.Application, pk, new { pk, slug, name, provider, backchannel_providers = backchannel });
        }

        foreach (var (pk, name, isSuperuser, parent) in new[]
        {
            (Admins, "authentik Admins", true, (Guid?)null),
            (Operators, "Operators", false, Admins),
            (Employees, "Employees", false, null),
            (Contractors, "Contractors", false, Employees),
        })
        {
            Add(EntityNames.Group, pk.ToString(), new { pk, name, is_superuser = isSuperuser, parent, attributes = new { } });
        }

        foreach (var (pk, username, name, groups, isActive) in new[]
        {
            (1L, "akadmin", "authentik Default Admin", new[] { Admins }, true),
            (2L, "ops", "Olga Operator", new[] { Operators }, true),
            (3L, "alice", "Alice Liddell", new[] { Employees }, true),
            (4L, "bob", "Bob Builder", new[] { Contractors, Employees }, true),
            (5L, "carol", "Carol Danvers", new[] { Employees }, true),
            (6L, "dave", "Dave Inactive", new[] { Employees }, false),
        })
        {
            Add(EntityNames.User, pk.ToString(CultureInfo.InvariantCulture), new Dictionary<string, object?>
            {
                ["pk"] = pk,
                ["username"] = username,
                ["name"] = name,
                ["is_active"] = isActive,
                ["last_login"] = "2024-09-13T08:00:00Z",
                ["groups"] = groups,
                ["email"] = $"{username}@example.com",
                ["avatar"] = $"https://www.gravatar.com/avatar/{pk:D32}?size=158&rating=g&default=404",
                ["attributes"] = new { },
                ["uid"] = $"{pk:x4}sampleuid",
                ["path"] = "users",
                ["type"] = "internal",
                ["uuid"] = $"00000000-0000-4000-8000-{pk:D12}",
            });
        }

        string[][] scopes = [["openid", "profile"], ["openid", "email", "profile"], ["openid", "goauthentik.io/api"]];
        for (var pk = 1; pk <= codes; pk++)
        {
            var expired = pk % 5 == 0;
            var expires = expired ? now.AddMinutes(-(pk % 50) - 1) : now.AddHours(1 + (pk % 24)).AddSeconds(pk);
            Add(EntityNames.AuthorizationCode, pk.ToString(CultureInfo.InvariantCulture), new Dictionary<string, object?>
            {
                ["pk"] = pk,
                ["provider"] = 1 + (pk % 3),
                ["user"] = UsersWithCodes[pk % UsersWithCodes.Length],
                ["expires"] = expires.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["expiring"] = true,
                ["scope"] = string.Join(' ', scopes[pk % scopes.Length]),
            });
        }

        return events;
    }
}
