using System.Globalization;
using System.Numerics;
using System.Text;

namespace AuthCodes.ReadModel;

/// <summary>
/// Parses integers the way Python's <c>int(str)</c> does, because authentik's query parameters go
/// through it: surrounding Unicode whitespace, an optional sign, decimal digits of any script, and
/// single underscores between digits. Values are arbitrary-precision, as in Python.
/// </summary>
public static class PythonInt
{
    public static bool TryParse(string? text, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (text is null)
        {
            return false;
        }

        var span = TrimPythonWhitespace(text.AsSpan());
        var negative = false;
        if (span.Length > 0 && (span[0] == '+' || span[0] == '-'))
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.IsEmpty || span[0] == '_' || span[^1] == '_')
        {
            return false;
        }

        var digits = new StringBuilder(span.Length);
        var previousUnderscore = false;
        foreach (var rune in span.ToString().EnumerateRunes())
        {
            if (rune.Value == '_')
            {
                if (previousUnderscore)
                {
                    return false;
                }

                previousUnderscore = true;
                continue;
            }

            previousUnderscore = false;
            var digit = CharUnicodeInfo.GetDecimalDigitValue(rune.ToString(), 0);
            if (digit < 0 || Rune.GetUnicodeCategory(rune) != UnicodeCategory.DecimalDigitNumber)
            {
                return false;
            }

            digits.Append((char)('0' + digit));
        }

        value = BigInteger.Parse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    /// <summary>The whitespace <c>int()</c> strips: exactly .NET's <see cref="char.IsWhiteSpace(char)"/> set (checked against CPython).</summary>
    private static ReadOnlySpan<char> TrimPythonWhitespace(ReadOnlySpan<char> span)
    {
        var start = 0;
        while (start < span.Length && IsPythonWhitespace(span[start]))
        {
            start++;
        }

        var end = span.Length;
        while (end > start && IsPythonWhitespace(span[end - 1]))
        {
            end--;
        }

        return span[start..end];
    }

    private static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c);
}
