namespace AuthCodes.Contract;

/// <summary>The five authentik entities that change events describe.</summary>
public enum EntityKind
{
    AuthorizationCode,
    User,
    Group,
    Provider,
    Application,
}

/// <summary>The entities' wire names, as in <c>io.goauthentik.&lt;entity&gt;.saved</c> and <c>&lt;entity&gt;/&lt;pk&gt;</c>.</summary>
public static class EntityNames
{
    public const string AuthorizationCode = "authorization_code";
    public const string User = "user";
    public const string Group = "group";
    public const string Provider = "provider";
    public const string Application = "application";

    /// <summary>Every wire name, in <see cref="EntityKind"/> order.</summary>
    public static IReadOnlyList<string> All { get; } = [AuthorizationCode, User, Group, Provider, Application];

    public static string Of(EntityKind kind) => kind switch
    {
        EntityKind.AuthorizationCode => AuthorizationCode,
        EntityKind.User => User,
        EntityKind.Group => Group,
        EntityKind.Provider => Provider,
        EntityKind.Application => Application,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an entity kind."),
    };

    /// <summary>The kind a wire name stands for (ordinal: <c>User</c> is no entity name).</summary>
    public static bool TryParse(string name, out EntityKind kind)
    {
        switch (name)
        {
            case AuthorizationCode: kind = EntityKind.AuthorizationCode; return true;
            case User: kind = EntityKind.User; return true;
            case Group: kind = EntityKind.Group; return true;
            case Provider: kind = EntityKind.Provider; return true;
            case Application: kind = EntityKind.Application; return true;
            default: kind = default; return false;
        }
    }
}
