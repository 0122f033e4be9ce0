using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>How authentik providers map a user to a token's <c>sub</c> claim.</summary>
public enum SubjectMode
{
    HashedUserId,
    UserId,
    UserUuid,
    UserUsername,
    UserEmail,
    UserUpn,
}

public static class SubjectModes
{
    private static readonly Dictionary<string, SubjectMode> ByName = new(StringComparer.Ordinal)
    {
        ["hashed_user_id"] = SubjectMode.HashedUserId,
        ["user_id"] = SubjectMode.UserId,
        ["user_uuid"] = SubjectMode.UserUuid,
        ["user_username"] = SubjectMode.UserUsername,
        ["user_email"] = SubjectMode.UserEmail,
        ["user_upn"] = SubjectMode.UserUpn,
    };

    /// <summary>Parses authentik's <c>sub_mode</c> value (e.g. <c>hashed_user_id</c>).</summary>
    public static SubjectMode Parse(string value) =>
        ByName.TryGetValue(value, out var mode)
            ? mode
            : throw new ArgumentException($"Unknown subject mode '{value}'. Expected one of: {string.Join(", ", ByName.Keys)}.", nameof(value));

    /// <summary>The <c>sub</c> claim authentik issues for <paramref name="user"/> under <paramref name="mode"/>.</summary>
    public static string SubjectOf(this UserView user, SubjectMode mode) => mode switch
    {
        SubjectMode.HashedUserId => user.Uid,
        SubjectMode.UserId => user.Pk.ToString(),
        SubjectMode.UserUuid => user.Uuid.ToString(),
        SubjectMode.UserUsername => user.Username,
        SubjectMode.UserEmail => user.Email,
        SubjectMode.UserUpn => UpnOf(user) ?? user.Uid,
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    private static string? UpnOf(UserView user) =>
        user.Attributes.ValueKind == JsonValueKind.Object
        && user.Attributes.TryGetProperty("upn", out var upn)
        && upn.ValueKind == JsonValueKind.String
            ? upn.GetString()
            : null;
}
