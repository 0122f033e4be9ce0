using AuthCodes.ReadModel;
namespace AuthCodes.Api.Authentication;

/// <summary>
/// authentik's own reading of the <c>Authorization</c> header (<c>validate_auth</c> in
/// <c>authentik/api/authentication.py</c>), so refusals carry the same detail texts.
/// </summary>
internal static class AuthorizationHeader
{
    public const string UnsupportedType = "Unsupported authentication type";

    /// <summary>
    /// The bearer credential, or the refusal. authentik trims the header, then needs a space
    /// (only U+0020) to split the scheme from the credential; the credential itself is kept
    /// verbatim (a second space becomes part of it and makes it invalid, as in authentik).
    /// </summary>
    public static bool TryGetBearerCredential(string? header, out string credential, out Refused? refusal)
    {
        credential = string.Empty;
        var trimmed = header is null ? string.Empty : PythonWhitespace.Strip(header);
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            refusal = Refused.NotProvided;
            return false;
        }

        if (!trimmed.AsSpan(0, space).Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            refusal = new Refused(UnsupportedType);
            return false;
        }

        credential = trimmed[(space + 1)..];
        refusal = null;
        return true;
    }
}
