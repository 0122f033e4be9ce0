using System.Numerics;

namespace AuthCodes.ReadModel.Tests;

/// <summary>Expected values (and refusals: <c>ValueError</c>) checked with python3 on the development machine: <c>int(text)</c>.</summary>
public sealed class PythonIntTests
{
    [Theory]
    [InlineData("2", 2)]
    [InlineData("+2", 2)]
    [InlineData(" 3 ", 3)]
    [InlineData("\t\n 4\r\n", 4)]
    [InlineData("\u00a07\u3000", 7)]
    [InlineData("-0", 0)]
    [InlineData("-12", -12)]
    [InlineData("1_0", 10)]
    [InlineData("٣", 3)] // Arabic-Indic digit
    [InlineData("１２", 12)] // full-width digits
    [InlineData("𝟕", 7)] // mathematical digit outside the BMP
    [InlineData("007", 7)]
    public void Parses_what_python_int_accepts(string text, long expected)
    {
        Assert.True(PythonInt.TryParse(text, out var value));
        Assert.Equal(new BigInteger(expected), value);
    }

    [Fact]
    public void Parses_integers_beyond_64_bits_as_python_does()
    {
        Assert.True(PythonInt.TryParse("99999999999999999999999", out var value));
        Assert.Equal(BigInteger.Parse("99999999999999999999999"), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("1__0")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("0x10")]
    [InlineData("2.0")]
    [InlineData("1e3")]
    [InlineData("+-1")]
    [InlineData("--1")]
    [InlineData("\u001c5\u001f")] // str.isspace() but not stripped by int()
    [InlineData("5\0")]
    [InlineData("last")]
    [InlineData("½")]
    [InlineData("²")] // a digit, but not a decimal digit
    public void Refuses_what_python_int_refuses(string? text)
    {
        Assert.False(PythonInt.TryParse(text, out _));
    }
}
