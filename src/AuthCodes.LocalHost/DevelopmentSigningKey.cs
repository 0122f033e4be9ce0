using System.Reflection;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthCodes.LocalHost;

/// <summary>
/// The RSA key that signs development tokens (<c>token</c> command) and that the local host trusts
/// in the Development environment only. Created on first use in the project's git-ignored
/// <c>.authcodes/</c> folder, so the server and the token command agree wherever they are run from.
/// </summary>
internal static class DevelopmentSigningKey
{
    public const string PathSetting = "DevelopmentSigningKey:Path";

    public static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
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
