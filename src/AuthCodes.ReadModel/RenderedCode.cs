using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AuthCodes.ReadModel;

/// <summary>
/// A code document's JSON rendered once, when a store writes the document, for every request that
/// lists or retrieves it: <see cref="ResponseWriter.WriteCode"/>'s own bytes with groups, without
/// the client secret and not expired, plus where the request-dependent parts are (the client secret's
/// place, the groups array, the <c>is_expired</c> value), so a request only splices those in.
/// Attached to the immutable document instance the store keeps, so it can never describe another.
/// </summary>
internal sealed class RenderedCode
{
    private static readonly ConditionalWeakTable<CodeDocument, RenderedCode> Attached = [];
    private static readonly byte[] Null = "null"u8.ToArray();
    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] ClientSecretKey = ",\"client_secret\":\""u8.ToArray();

    private readonly byte[] json;
    private readonly int secretAt;
    private readonly (int Start, int End) groups;
    private readonly (int Start, int End) isExpired;

    private RenderedCode(byte[] json, int secretAt, (int, int) groups, (int, int) isExpired)
    {
        this.json = json;
        this.secretAt = secretAt;
        this.groups = groups;
        this.isExpired = isExpired;
    }

    /// <summary>Renders <paramref name="code"/> now, for every later response that writes this very instance.</summary>
    public static void Attach(CodeDocument code) => Attached.AddOrUpdate(code, Render(code));

    public static RenderedCode? Of(CodeDocument code) => Attached.TryGetValue(code, out var rendered) ? rendered : null;

    /// <summary>Writes the code as <see cref="ResponseWriter.WriteCode"/> would for <paramref name="options"/>.</summary>
    public void WriteTo(Utf8JsonWriter writer, CodeDocument code, RenderOptions options)
    {
        var secret = options.ClientSecrets is { } secrets
            ? JsonEncodedText.Encode(secrets.GetValueOrDefault(code.Provider.Pk, ""), DrfJsonEncoder.Instance).EncodedUtf8Bytes
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
            at = Copy(code.IsExpiredAt(options.Now) ? True : False, output, at);
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

    private static RenderedCode Render(CodeDocument code)
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

        return new RenderedCode(
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
