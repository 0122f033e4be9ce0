namespace AuthCodes.Api;

/// <summary>Our OpenAPI 3.1 document, describing exactly what this API returns (served as-is).</summary>
public static class OpenApi
{
    public static readonly ReadOnlyMemory<byte> Document = Load();

    private static byte[] Load()
    {
        using var stream = typeof(OpenApi).Assembly.GetManifestResourceStream("AuthCodes.Api.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
