using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging;
using AuthCodes.ReadModel;

namespace AuthCodes.Projection;

/// <summary>
/// Turns CloudEvents in structured JSON mode into validated <see cref="ChangeEvent"/>s, or into
/// rejections with a reason a publisher can act on. The envelope goes through
/// <see cref="CloudEvent"/>; the <c>entityversion</c> extension and <c>data</c> are validated here,
/// per the contract. Reasons never quote <c>data</c>, so no secret reaches a log through them.
/// </summary>
public sealed partial class ChangeEventParser
{
    /// <summary>Fields of <c>data</c> that are secrets: dropped from every event, stored and logged nowhere.</summary>
    public static readonly IReadOnlySet<string> SecretFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "code", "nonce", "code_challenge", "code_challenge_method", "session_id", "client_secret",
    };

    private static readonly string ExpectedTypes =
        $"expected {ChangeEventType.Of("<entity>", ChangeEventType.Saved)} or {ChangeEventType.Of("<entity>", ChangeEventType.Deleted)}";

    /// <summary>A duplicate property is refused at parse time: which of the two values would win is the reader's accident.</summary>
    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private readonly string? acceptedSource;

    /// <param name="acceptedSource">The one <c>source</c> accepted (ordinal comparison); null accepts any source.</param>
    public ChangeEventParser(string? acceptedSource) => this.acceptedSource = acceptedSource;

    /// <summary>One event: the body of a Service Bus message or of an <c>application/cloudevents+json</c> request.</summary>
    public ParsedEvent Parse(BinaryData body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.ToMemory().Span, documentOptions: StrictJson);
        }
        catch (JsonException exception)
        {
            return Reject(null, NotValidJson(exception));
        }

        return root is JsonObject obj ? Parse(obj) : Reject(null, "A CloudEvent in structured mode must be a JSON object.");
    }

    /// <summary>An <c>application/cloudevents-batch+json</c> body: each element is parsed (and may be rejected) on its own.</summary>
    public IReadOnlyList<ParsedEvent> ParseBatch(BinaryData body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.ToMemory().Span, documentOptions: StrictJson);
        }
        catch (JsonException exception)
        {
            return [Reject(null, NotValidJson(exception))];
        }

        if (root is not JsonArray array)
        {
            return [Reject(null, "A CloudEvents batch must be a JSON array.")];
        }

        return [.. array.Select(element => element is JsonObject obj ? Parse(obj) : Reject(null, "A CloudEvent in structured mode must be a JSON object."))];
    }

    private ParsedEvent Parse(JsonObject root)
    {
        try
        {
            return ParseOrReject(root);
        }
        catch (InvalidOperationException exception)
        {
            // System.Text.Json reads strings lazily: a lone surrogate escape (valid JSON, not valid
            // text) throws on first read, wherever it is. Nothing of this body can be recorded safely.
            return Reject(null, $"The body holds text that cannot be read ({FirstLine(exception.Message)}).");
        }
    }

    private ParsedEvent ParseOrReject(JsonObject root)
    {
        try
        {
            return ParsedEvent.Valid(ParseEnvelope(root));
        }
        catch (ContractViolation violation)
        {
            return Reject(root, violation.Message);
        }
    }

    private ChangeEvent ParseEnvelope(JsonObject root)
    {
        if (root["specversion"] is not JsonValue specVersion || specVersion.GetValueKind() != JsonValueKind.String || (string?)specVersion != ChangeEventEnvelope.SpecVersion)
        {
            throw new ContractViolation($"specversion must be \"{ChangeEventEnvelope.SpecVersion}\".");
        }

        var id = RequiredEnvelopeString(root, "id");
        var source = RequiredEnvelopeString(root, "source");
        var type = RequiredEnvelopeString(root, "type");
        var subject = RequiredEnvelopeString(root, "subject");
        var version = ParseVersion(root);

        // Azure.Messaging.CloudEvent refuses 64-bit extension values: it sees the version as a string.
        root[ChangeEventEnvelope.EntityVersionAttribute] = version.ToString(CultureInfo.InvariantCulture);
        CloudEvent cloudEvent;
        try
        {
            cloudEvent = CloudEvent.Parse(BinaryData.FromString(root.ToJsonString()))
                ?? throw new ContractViolation("The body holds no CloudEvent.");
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or JsonException or InvalidOperationException)
        {
            throw new ContractViolation($"Not a valid CloudEvent: {FirstLine(exception.Message)}");
        }

        if (acceptedSource is not null && !string.Equals(cloudEvent.Source, acceptedSource, StringComparison.Ordinal))
        {
            throw new ContractViolation($"source '{source}' is not the accepted source '{acceptedSource}'.");
        }

        if (!type.StartsWith(ChangeEventType.Prefix, StringComparison.Ordinal))
        {
            throw new ContractViolation($"Unknown type '{type}': {ExpectedTypes}.");
        }

        var rest = type[ChangeEventType.Prefix.Length..];
        var dot = rest.LastIndexOf('.');
        var action = rest[(dot + 1)..];
        if (dot < 0 || !EntityNames.TryParse(rest[..dot], out var kind) || action is not (ChangeEventType.Saved or ChangeEventType.Deleted))
        {
            throw new ContractViolation($"Unknown type '{type}': {ExpectedTypes}, entity one of {string.Join(", ", EntityNames.All)}.");
        }

        var deleted = action == ChangeEventType.Deleted;
        if (cloudEvent.DataContentType is { } contentType && !contentType.StartsWith(ChangeEventEnvelope.DataContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ContractViolation($"datacontenttype must be {ChangeEventEnvelope.DataContentType}, not '{contentType}'.");
        }

        if (cloudEvent.DataSchema is { } schema && schema != ChangeEventEnvelope.DataSchema)
        {
            throw new ContractViolation($"dataschema must be {ChangeEventEnvelope.DataSchema} (or absent), not '{schema}': a newer contract version needs a newer projector.");
        }

        if (root.ContainsKey("data_base64"))
        {
            throw new ContractViolation("data must be JSON (data_base64 is not accepted).");
        }

        var entity = EntityNames.Of(kind);
        var expectedSubjectPrefix = ChangeEventSubject.PrefixOf(entity);
        if (!subject.StartsWith(expectedSubjectPrefix, StringComparison.Ordinal))
        {
            throw new ContractViolation($"subject '{subject}' must be '{expectedSubjectPrefix}<pk>'.");
        }

        var subjectKey = ParseKey(kind, subject[expectedSubjectPrefix.Length..])
            ?? throw new ContractViolation($"subject '{subject}' does not end with a valid {entity} pk.");

        EntityState? state = null;
        EntityKey key;
        var data = root["data"];
        if (deleted)
        {
            key = data is null ? subjectKey : EntityDataReader.ReadKey(kind, AsObject(data));
        }
        else
        {
            state = EntityDataReader.Read(kind, AsObject(data));
            key = state.Key;
        }

        if (key != subjectKey)
        {
            throw new ContractViolation($"subject '{subject}' does not match data.pk.");
        }

        // CloudEvent stamps a missing time with the moment of parsing, which would read as zero lag.
        var time = root["time"] is null ? null : cloudEvent.Time;
        return new ChangeEvent(cloudEvent.Id, cloudEvent.Source, type, subject, key, deleted, version, time, state);
    }

    private static JsonObject AsObject(JsonNode? data) =>
        data as JsonObject ?? throw new ContractViolation("data must be a JSON object.");

    private static ulong ParseVersion(JsonObject root)
    {
        var node = root[ChangeEventEnvelope.EntityVersionAttribute];
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.String:
                    var text = (string)value!;
                    // NumberStyles.None admits ASCII digits only (no sign, space or other script's digits).
                    if (text.Length <= 20 && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                    {
                        return parsed;
                    }

                    break;
                case JsonValueKind.Number:
                    if (value.TryGetValue<ulong>(out var number))
                    {
                        return number;
                    }

                    if (value.TryGetValue<JsonElement>(out var element) && element.TryGetUInt64(out number))
                    {
                        return number;
                    }

                    break;
            }

            throw new ContractViolation($"{ChangeEventEnvelope.EntityVersionAttribute} must be a string of decimal digits (a 64-bit unsigned value) or a non-negative JSON integer.");
        }

        throw new ContractViolation($"{ChangeEventEnvelope.EntityVersionAttribute} (extension attribute) is required.");
    }

    internal static EntityKey? ParseKey(EntityKind kind, string pk) => kind switch
    {
        EntityKind.Group or EntityKind.Application =>
            Guid.TryParseExact(pk, "D", out var guid) ? EntityKey.Of(kind, guid) : null,
        _ => long.TryParse(pk, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? EntityKey.Of(kind, number)
            : null,
    };

    private static string RequiredEnvelopeString(JsonObject root, string name) =>
        root[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && (string?)value is { Length: > 0 } text
            ? text
            : throw new ContractViolation($"{name} is required and must be a non-empty string.");

    /// <summary>The envelope attributes of the contract: all a rejection record keeps of the envelope.</summary>
    private static readonly string[] EnvelopeAttributes =
        ["specversion", "id", "source", "type", "subject", ChangeEventEnvelope.EntityVersionAttribute, "time", "datacontenttype", "dataschema", "data"];

    /// <summary>
    /// The event JSON as a rejection record keeps it: only the contract's envelope attributes and,
    /// in <c>data</c>, the contract's fields of the entity its <c>type</c> names (no <c>data</c> when
    /// the type names none), then every property named like a secret removed at any depth, whatever
    /// its spelling (<c>Code</c>, <c>clientSecret</c>, <c>SESSION-ID</c>): a rejected event is exactly
    /// the one whose publisher may not have followed the contract.
    /// </summary>
    private static string Sanitized(JsonObject root)
    {
        var kept = new JsonObject();
        foreach (var name in EnvelopeAttributes.Where(root.ContainsKey))
        {
            kept[name] = root[name]?.DeepClone();
        }

        if (kept["data"] is JsonObject data && EntityKindOf(EnvelopeText(root, "type")) is { } kind)
        {
            var fields = EntityDataReader.ContractFields(kind);
            foreach (var name in data.Select(p => p.Key).Where(name => !fields.Contains(name)).ToList())
            {
                data.Remove(name);
            }
        }
        else
        {
            kept.Remove("data");
        }

        RemoveSecrets(kept);
        return kept.ToJsonString();
    }

    private static EntityKind? EntityKindOf(string? type)
    {
        if (type is null || !type.StartsWith(ChangeEventType.Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = type[ChangeEventType.Prefix.Length..];
        var dot = rest.LastIndexOf('.');
        return dot >= 0 && EntityNames.TryParse(rest[..dot], out var kind) ? kind : null;
    }

    private static void RemoveSecrets(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).Where(IsSecretName).ToList())
                {
                    obj.Remove(name);
                }

                foreach (var (_, value) in obj)
                {
                    RemoveSecrets(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RemoveSecrets(item);
                }

                break;
        }
    }

    private static readonly HashSet<string> NormalizedSecretNames = [.. SecretFields.Select(Normalized)];

    private static bool IsSecretName(string name) => NormalizedSecretNames.Contains(Normalized(name));

    /// <summary>Letters only, lower case: <c>client_secret</c>, <c>ClientSecret</c> and <c>CLIENT-SECRET</c> are one name.</summary>
    private static string Normalized(string name) => string.Concat(name.Where(char.IsAsciiLetter)).ToLowerInvariant();

    private static ParsedEvent Reject(JsonObject? root, string reason) => ParsedEvent.Rejected(new EventRejection(
        EnvelopeText(root, "id"), EnvelopeText(root, "type"), EnvelopeText(root, "subject"), reason, root is null ? null : Sanitized(root)));

    private static string? EnvelopeText(JsonObject? root, string name) =>
        root?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? (string?)value : null;

    /// <summary>
    /// The reader's complaint without the input it quotes (<c>'tru{e,"code":"…' is an invalid JSON
    /// literal</c>): that text may hold a secret, and reasons are logged and kept. Its position stays.
    /// </summary>
    private static string NotValidJson(JsonException exception) =>
        $"The body is not valid JSON ({FirstLine(QuotedInput().Replace(exception.Message, "the input $1", 1))}).";

    /// <summary>
    /// The reader's messages that quote input start with it: <c>'…' is …</c>; the last <c>' is </c> ends the quote,
    /// which may span lines, so it is replaced before the message is cut to its first line.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex("^'.*' (is )", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex QuotedInput();

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
    }
}

/// <summary>A violated contract rule; its message is the rejection reason.</summary>
internal sealed class ContractViolation(string reason) : Exception(reason);
