namespace AuthCodes.Testing;

public static class JsonText
{
    /// <summary>JSON written with single quotes for readable literals in tests (values must not contain one).</summary>
    public static string Q(string singleQuoted) => singleQuoted.Replace('\'', '"');
}
