using System.Globalization;
using AuthCodes.Publishing;

namespace AuthCodes.Follow;

/// <summary>An authorization code row as the contract's data: secrets (code, nonce, PKCE, session) never leave the row.</summary>
internal static class CodeRows
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFzzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzz", "yyyy-MM-dd HH:mm:sszz",
    ];

    public static AuthorizationCodeData Code(long id, long provider, long user, DateTimeOffset? expires, bool expiring, string scope) =>
        new(id, provider, user)
        {
            Expires = expires,
            Expiring = expiring,
            Scope = scope.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        };

    /// <summary>A replicated row (text format; the replication session runs in UTC with ISO dates).</summary>
    public static AuthorizationCodeData FromRow(ReplicatedRow row) => Code(
        Integer(row.Required("id")), Integer(row.Required("provider_id")), Integer(row.Required("user_id")),
        row["expires"] is { } expires ? Timestamp(expires) : null, row.Required("expiring") == "t", row.Required("_scope"));

    public static long Integer(string text) => long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public static DateTimeOffset Timestamp(string text) =>
        DateTimeOffset.ParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.None).ToUniversalTime();
}
