using AuthCodes.ReadModel;

namespace AuthCodes.Cosmos;

/// <summary>
/// The top-level numeric field of a code item each sort key orders by (<see cref="CodeItem"/>,
/// <see cref="CodeKeys"/>): the one spelling of these paths for queries, keyset predicates and indexes.
/// </summary>
internal static class CodeSortPath
{
    public static string Of(CodeSortKey key) => key switch
    {
        CodeSortKey.Pk => "pk",
        CodeSortKey.Provider => "providerPk",
        CodeSortKey.User => "userPk",
        CodeSortKey.Expires => "expiresKey",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    /// <summary>Every sort field, as a query projection: <c>c.pk, c.providerPk, c.userPk, c.expiresKey</c>.</summary>
    public static string AllSelected { get; } = string.Join(", ", Enum.GetValues<CodeSortKey>().Select(key => "c." + Of(key)));
}
