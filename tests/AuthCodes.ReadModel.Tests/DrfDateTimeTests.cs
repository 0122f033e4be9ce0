namespace AuthCodes.ReadModel.Tests;

/// <summary>
/// Expected strings computed with python3 on the development machine as DRF's <c>DateTimeField</c>
/// writes them under authentik: <c>value.astimezone(timezone.utc).isoformat()</c> with a trailing
/// <c>+00:00</c> replaced by <c>Z</c> (Python datetimes hold microseconds, so a seventh digit is dropped).
/// </summary>
public sealed class DrfDateTimeTests
{
    [Theory]
    [InlineData("2024-09-13T14:05:42.2430000Z", "2024-09-13T14:05:42.243000Z")]
    [InlineData("2024-09-13T14:05:42.0000000Z", "2024-09-13T14:05:42Z")]
    [InlineData("2024-09-13T14:05:42.0000010Z", "2024-09-13T14:05:42.000001Z")]
    [InlineData("2024-09-13T14:05:42.9999999Z", "2024-09-13T14:05:42.999999Z")] // truncated, never rounded up
    [InlineData("2024-09-13T16:05:42.5+02:00", "2024-09-13T14:05:42.500000Z")]
    [InlineData("2024-09-13T00:30:00-01:00", "2024-09-13T01:30:00Z")]
    public void Writes_utc_with_six_fractional_digits_or_none(string input, string expected)
    {
        Assert.Equal(expected, DrfDateTime.Format(DateTimeOffset.Parse(input, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Normalizes_to_utc_microseconds()
    {
        var normalized = DrfDateTime.Normalize(new DateTimeOffset(2024, 9, 13, 16, 5, 42, TimeSpan.FromHours(2)).AddTicks(1_234_567));

        Assert.Equal(TimeSpan.Zero, normalized.Offset);
        Assert.Equal(new DateTimeOffset(2024, 9, 13, 14, 5, 42, TimeSpan.Zero).AddTicks(1_234_560), normalized);
    }
}
