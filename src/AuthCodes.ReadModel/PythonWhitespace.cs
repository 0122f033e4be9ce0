namespace AuthCodes.ReadModel;

/// <summary>
/// Python's <c>str.isspace()</c>, which authentik's <c>strip()</c> and <c>split()</c> use: .NET's white space
/// plus the information separators U+001C to U+001F, which Python counts and .NET does not.
/// </summary>
public static class PythonWhitespace
{
    private static readonly char[] All =
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(Is)];

    public static bool Is(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    /// <summary>Python's <c>text.strip()</c>.</summary>
    public static string Strip(string text) => text.Trim(All);
}
