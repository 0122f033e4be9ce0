using System.Text.Json;

namespace AuthCodes.Cli;

/// <summary>JSON state files, replaced atomically (write beside, then move) so an interrupted run never leaves half a file.</summary>
internal static class StateFile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static T? Load<T>(string path)
        where T : class =>
        File.Exists(path) ? JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) : null;

    public static void Save<T>(string path, T state)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(state, Json));
        File.Move(temporary, full, overwrite: true);
    }
}

/// <summary>The rule for versions of events built from authentik's API (docs/publishing.md).</summary>
internal static class ObservedVersion
{
    public static readonly TimeSpan DefaultSkew = TimeSpan.FromSeconds(60);

    /// <summary>authentik's clock (its HTTP <c>Date</c>) minus the skew margin, in microseconds since the Unix epoch.</summary>
    public static ulong At(DateTimeOffset serverTime, TimeSpan skew) => Publishing.EntityVersion.FromTime(serverTime - skew);
}
