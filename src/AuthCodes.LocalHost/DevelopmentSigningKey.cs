using System.Reflection;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.LocalHost;

/// <summary>
/// The RSA key that signs development tokens (<c>token</c> command) and that the local host trusts
/// in the Development environment only. Created on first use in the project's git-ignored
/// <c>.authcodes/</c> folder, so the server and the token command agree wherever they are run from.
/// Whoever can write the file can mint tokens the host trusts: it is created readable and writable by
/// its owner only (never wider, not even for a moment), and a file that others may write is refused.
/// </summary>
internal static class DevelopmentSigningKey
{
    public const string PathSetting = "DevelopmentSigningKey:Path";

    public static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            RefuseIfOthersMayWrite(path);
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            var ownerOnly = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                ownerOnly.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(path, ownerOnly);
            writer.Write(rsa.ExportPkcs8PrivateKeyPem());
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    private static void RefuseIfOthersMayWrite(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new InvalidOperationException(
                $"The development signing key {path} may be written by other users, who could then mint trusted tokens: run 'chmod 600 {path}' or delete it to create a new one.");
        }
    }

    /// <summary>The configured path, else <c>.authcodes/dev-signing-key.pem</c> in the LocalHost project folder.</summary>
    public static string PathFrom(IConfiguration configuration) =>
        configuration[PathSetting] is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(ProjectDirectory(), ".authcodes", "dev-signing-key.pem");

    private static string ProjectDirectory() =>
        typeof(DevelopmentSigningKey).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ProjectDirectory")?.Value
        ?? AppContext.BaseDirectory;
}
