using System.Buffers;
using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// A code document's JSON rendered once, for every request that lists or retrieves it:
/// <see cref="ResponseWriter.WriteCode"/>'s own bytes with groups, without the client secret and not
/// expired, plus where the request-dependent parts are (the client secret's place, the groups array, the
/// <c>is_expired</c> value), so a request only splices those in. The embedded store attaches one to each
/// document it keeps (immutable once stored); it renders on the first request that writes the document,
/// so the projector's writes (a fan-out rewrites thousands of codes) pay nothing for it.
/// </summary>
internal sealed class RenderedCode
{
    private static readonly byte[] Null = "null"u8.ToArray();
    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] ClientSecretKey = ",\"client_secret\":\""u8.ToArray();

    private readonly CodeDocument source;
    private Rendering? rendering;

    private RenderedCode(CodeDocument source) => this.source = source;

    /// <summary>Marks <paramref name="code"/> as kept unchanged by a store, for every later response that writes this very instance.</summary>
    public static void Attach(CodeDocument code) => code.Rendering = new RenderedCode(code);

    /// <summary>The rendering attached to this very instance; null for any other (a <c>with</c> copy carries its original's).</summary>
    public static RenderedCode? Of(CodeDocument code) => code.Rendering is { } attached && ReferenceEquals(attached.source, code) ? attached : null;

    /// <summary>Writes the code as <see cref="ResponseWriter.WriteCode"/> would for <paramref name="options"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer, RenderOptions options)
    {
        // Two requests may render at once: both renderings are equal, either may stay.
        var (json, secretAt, groups, isExpired) = rendering ??= Render(source);
        var secret = options.ClientSecrets is { } secrets
            ? JsonEncodedText.Encode(secrets.GetValueOrDefault(source.Provider.Pk, ""), DrfJsonEncoder.Instance).EncodedUtf8Bytes
            : default;
        var size = json.Length + (options.ClientSecrets is null ? 0 : ClientSecretKey.Length + secret.Length + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var output = buffer.AsSpan();
            var at = Copy(json.AsSpan(0, secretAt), output, 0);
            if (options.ClientSecrets is not null)
            {
                at = Copy(ClientSecretKey, output, at);
                at = Copy(secret, output, at);
                output[at++] = (byte)'"';
            }

            at = Copy(json.AsSpan(secretAt, groups.Start - secretAt), output, at);
            at = Copy(options.IncludeGroups ? json.AsSpan(groups.Start, groups.End - groups.Start) : Null, output, at);
            at = Copy(json.AsSpan(groups.End, isExpired.Start - groups.End), output, at);
            at = Copy(source.IsExpiredAt(options.Now) ? True : False, output, at);
            at = Copy(json.AsSpan(isExpired.End), output, at);
            writer.WriteRawValue(output[..at], skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> output, int at)
    {
        source.CopyTo(output[at..]);
        return at + source.Length;
    }

    /// <summary>The bytes, and where the client secret goes and the groups array and the <c>is_expired</c> value are.</summary>
    private sealed record Rendering(byte[] Json, int SecretAt, (int Start, int End) Groups, (int Start, int End) IsExpired);

    private static Rendering Render(CodeDocument code)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            ResponseWriter.WriteFields(writer, code, new RenderOptions(DateTimeOffset.MinValue, IncludeGroups: true, ClientSecrets: null));
        }

        var json = buffer.WrittenSpan.ToArray();
        var reader = new Utf8JsonReader(json);
        reader.Read();
        (int, int)? clientId = null, groups = null, isExpired = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("provider"u8))
            {
                reader.Read();
                clientId = FindMember(ref reader, "client_id"u8);
            }
            else if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                groups = FindMember(ref reader, "groups_obj"u8);
            }
            else if (reader.ValueTextEquals("is_expired"u8))
            {
                reader.Read();
                isExpired = ((int)reader.TokenStartIndex, (int)reader.BytesConsumed);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new Rendering(
            json,
            (clientId ?? throw Missing("client_id")).Item2,
            groups ?? throw Missing("groups_obj"),
            isExpired ?? throw Missing("is_expired"));
    }

    /// <summary>Where the value of <paramref name="name"/> in the object the reader is at starts and ends; leaves the reader at the object's end.</summary>
    private static (int Start, int End)? FindMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        (int, int)? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
            {
                found = (start, (int)reader.BytesConsumed);
            }
        }

        return found;
    }

    private static InvalidOperationException Missing(string member) => new($"The rendered code has no {member}.");
}
