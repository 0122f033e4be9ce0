namespace AuthCodes.ReadModel.Tests;

/// <summary>Python's <c>str.isspace()</c> and <c>strip()</c> (checked against CPython 3).</summary>
public sealed class PythonWhitespaceTests
{
    [Theory]
    [InlineData('\u001c', true)] // the information separators: space to Python, not to .NET
    [InlineData('\u001f', true)]
    [InlineData('\u001b', false)]
    [InlineData('\u0008', false)]
    [InlineData('\t', true)]
    [InlineData(' ', true)]
    [InlineData('\u00a0', true)]
    [InlineData('\u2028', true)]
    [InlineData('!', false)]
    [InlineData('\uffff', false)]
    public void Counts_what_python_isspace_counts(char c, bool space)
    {
        Assert.Equal(space, PythonWhitespace.Is(c));
    }

    [Fact]
    public void Strips_both_ends_as_python_strip_does()
    {
        Assert.Equal("a\u001cb", PythonWhitespace.Strip("\u001c\u001f \t\u00a0a\u001cb\u2028\u001d"));
    }
}
