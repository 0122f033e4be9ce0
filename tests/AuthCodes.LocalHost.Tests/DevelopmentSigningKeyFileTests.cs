namespace AuthCodes.LocalHost.Tests;

/// <summary>The development key file: owner-only from creation, refused when others may write it (Unix file modes).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevelopmentSigningKeyFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("authcodes-key-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_new_key_file_is_readable_and_writable_by_its_owner_only()
    {
        var path = Path.Combine(folder, "nested", "key.pem");

        DevelopmentSigningKey.LoadOrCreate(path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_existing_key_file_loads_to_the_same_key()
    {
        var path = Path.Combine(folder, "key.pem");

        var created = DevelopmentSigningKey.LoadOrCreate(path);
        var loaded = DevelopmentSigningKey.LoadOrCreate(path);

        Assert.Equal(created.KeyId, loaded.KeyId);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_key_file_other_users_may_write_is_refused(UnixFileMode extra)
    {
        var path = Path.Combine(folder, "key.pem");
        DevelopmentSigningKey.LoadOrCreate(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var refusal = Assert.Throws<InvalidOperationException>(() => DevelopmentSigningKey.LoadOrCreate(path));

        Assert.Equal(
            $"The development signing key {path} may be written by other users, who could then mint trusted tokens: run 'chmod 600 {path}' or delete it to create a new one.",
            refusal.Message);
    }
}
