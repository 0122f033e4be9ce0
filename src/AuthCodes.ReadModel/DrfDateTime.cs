using System.Globalization;

namespace AuthCodes.ReadModel;

/// <summary>
/// Date-times as Django REST Framework writes them under authentik (UTC): ISO 8601 with a <c>Z</c>,
/// six fractional digits, or none when the microseconds are zero. .NET's round-trip format ("o")
/// writes seven digits and an offset, which is not what authentik's clients see.
/// </summary>
public static class DrfDateTime
{
    public static string Format(DateTimeOffset value)
    {
        var utc = Normalize(value).UtcDateTime;
        var micros = (utc.Ticks % TimeSpan.TicksPerSecond) / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? seconds + "Z" : seconds + "." + micros.ToString("D6", CultureInfo.InvariantCulture) + "Z";
    }

    /// <summary>UTC, truncated to microseconds (PostgreSQL's resolution).</summary>
    public static DateTimeOffset Normalize(DateTimeOffset value)
    {
        var ticks = value.UtcTicks - (value.UtcTicks % 10);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }
}
