using System.Globalization;

namespace AuthCodes.ReadModel;

public static class GroupNumbers
{
    /// <summary>
    /// authentik's <c>num_pk</c>: the first five decimal digits of the group uuid read as a
    /// 128-bit unsigned integer (<c>int(str(uuid.int)[:5])</c>).
    /// </summary>
    public static int NumPk(Guid groupPk)
    {
        var value = UInt128.Parse(groupPk.ToString("N"), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var digits = value.ToString(CultureInfo.InvariantCulture);
        return int.Parse(digits.AsSpan(0, Math.Min(5, digits.Length)), CultureInfo.InvariantCulture);
    }
}
