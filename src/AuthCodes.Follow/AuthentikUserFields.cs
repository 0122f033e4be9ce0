using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AuthCodes.Follow;

/// <summary>What authentik's user serializer needs besides the user row: which avatar to show.</summary>
internal sealed record AvatarSubject(string Username, string Name, string Email, JsonObject Attributes);

/// <summary>
/// The user fields authentik 2024.8.3 computes when it serializes a user instead of storing them:
/// <c>uid</c> (sha256 of <c>"{id}-{install_id}"</c>) and <c>avatar</c> (authentik/lib/avatars.py,
/// <c>get_avatar</c>, walking the tenant's comma-separated <c>avatars</c> modes).
/// </summary>
internal sealed class AuthentikUserFields(string installId, string avatarModes)
{
    public const string DefaultAvatarModes = "gravatar,initials";

    /// <summary>authentik's <c>static("dist/assets/images/user_default.png")</c>: mode <c>none</c>, and what remains when no mode yields a value.</summary>
    public const string DefaultAvatar = "/static/dist/assets/images/user_default.png";

    private const string GravatarUrl = "https://secure.gravatar.com";

    public string Uid(long id) => Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{id.ToString(CultureInfo.InvariantCulture)}-{installId}")));

    /// <summary>
    /// The first mode that yields a value wins. authentik checks a gravatar or URL mode with an HTTP
    /// HEAD (falling through to the next mode on a 404); the follower makes no HTTP call, so a
    /// gravatar or URL mode always yields its URL (docs/follow.md).
    /// </summary>
    public string Avatar(AvatarSubject user)
    {
        foreach (var mode in avatarModes.Split(','))
        {
            var avatar = mode switch
            {
                "none" => DefaultAvatar,
                "initials" => InitialsAvatar.DataUri(user.Name.Trim().Length > 0 ? user.Name : "a k"),
                "gravatar" => Gravatar(user.Email),
                _ when mode.StartsWith("attributes.", StringComparison.Ordinal) => AttributePath(user.Attributes, mode["attributes.".Length..]),
                _ when mode.Contains("://", StringComparison.Ordinal) => UrlTemplate(mode, user),
                _ => null,
            };
            if (!string.IsNullOrEmpty(avatar))
            {
                return avatar;
            }
        }

        return DefaultAvatar;
    }

    private static string Gravatar(string email)
    {
        var hash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(email.ToLowerInvariant())));
        return $"{GravatarUrl}/avatar/{hash}?size=158&rating=g&default=404";
    }

    /// <summary>Python's <c>mode % {"username", "mail_hash", "upn"}</c>.</summary>
    private static string UrlTemplate(string mode, AvatarSubject user)
    {
#pragma warning disable CA5351 // authentik's URL templates name the md5 of the address; it is an identifier here, not a protection.
        var mailHash = Hex(MD5.HashData(Encoding.UTF8.GetBytes(user.Email.ToLowerInvariant())));
#pragma warning restore CA5351
        var upn = user.Attributes["upn"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : user.Attributes["upn"]?.ToJsonString() ?? "";
        return mode
            .Replace("%(username)s", user.Username, StringComparison.Ordinal)
            .Replace("%(mail_hash)s", mailHash, StringComparison.Ordinal)
            .Replace("%(upn)s", upn, StringComparison.Ordinal)
            .Replace("%%", "%", StringComparison.Ordinal);
    }

    /// <summary>authentik's <c>get_path_from_dict</c>: dot-separated keys; only a string value is a usable URL.</summary>
    private static string? AttributePath(JsonObject attributes, string path)
    {
        JsonNode? node = attributes;
        foreach (var key in path.Split('.'))
        {
            node = node is JsonObject current && current.TryGetPropertyValue(key, out var next) ? next : null;
        }

        return node is JsonValue value && value.TryGetValue<string>(out var url) ? url : null;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>authentik's <c>generate_avatar_from_name</c> (64 px, two upper-case initials, md5-derived colours), as lxml serializes it.</summary>
internal static class InitialsAvatar
{
    private const string Fonts = "'RedHatText','Overpass',overpass,helvetica,arial,sans-serif";

    public static string DataUri(string name) => "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(Svg(name)));

    public static string Svg(string name)
    {
        var parts = name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 2)
        {
            parts = [parts[0], parts[^1]];
        }

        var initials = parts.Length switch
        {
            0 => "",
            1 => Prefix(parts[0], 2),
            _ => Prefix(string.Concat(parts[..^1].Select(p => Prefix(p, 1))) + parts[^1], 2),
        };
        var (background, text) = Colors(name);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64px\" height=\"64px\" viewBox=\"0 0 64 64\" version=\"1.1\">"
            + $"<rect fill=\"#{background}\" cx=\"32\" cy=\"32\" width=\"64\" height=\"64\" r=\"32\"/>"
            + $"<text x=\"50%\" y=\"50%\" style=\"color: #{text}; line-height: 1; font-family: {Fonts}; \" fill=\"#{text}\" "
            + "alignment-baseline=\"middle\" dominant-baseline=\"middle\" text-anchor=\"middle\" font-size=\"28\" font-weight=\"400\" dy=\".1em\">"
            + $"{EscapeText(initials.ToUpperInvariant())}</text></svg>";
    }

    /// <summary>lxml's <c>tostring</c> writes ASCII: markup characters escaped, anything else as a decimal character reference.</summary>
    private static string EscapeText(string text)
    {
        var escaped = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            escaped.Append(rune.Value switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                < 128 => rune.ToString(),
                _ => $"&#{rune.Value.ToString(CultureInfo.InvariantCulture)};",
            });
        }

        return escaped.ToString();
    }

    /// <summary>Python's <c>int(md5(text.lower()).hexdigest(), 16) % 0xFFFFFF</c>, each channel clamped to 55..200.</summary>
    private static (string Background, string Text) Colors(string name)
    {
#pragma warning disable CA5351 // authentik derives the colours from md5; matching it needs md5 (no security role).
        var digest = MD5.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()));
#pragma warning restore CA5351
        var color = (long)(new System.Numerics.BigInteger(digest, isUnsigned: true, isBigEndian: true) % 0xFFFFFF);
        var blue = Math.Clamp(color & 0xFF, 55, 200);
        var green = Math.Clamp((color >> 8) & 0xFF, 55, 200);
        var red = Math.Clamp((color >> 16) & 0xFF, 55, 200);
        var text = (red * 0.299) + (green * 0.587) + (blue * 0.114) > 186 ? "000" : "fff";
        return ($"{red:x2}{green:x2}{blue:x2}", text);
    }

    /// <summary>Python slices count code points, not UTF-16 units.</summary>
    private static string Prefix(string text, int length)
    {
        var runes = text.EnumerateRunes().Take(length);
        return string.Concat(runes.Select(r => r.ToString()));
    }
}
