using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AuthCodes.Publishing;

/// <summary>One CloudEvent ready to send: the envelope facts a transport needs and the event's JSON (structured mode).</summary>
public sealed record PublishableEvent(string Id, string Type, string Subject, ulong Version, string Json);

/// <summary>
/// Builds change events per docs/events.md: CloudEvents 1.0 in structured JSON mode, <c>type</c>
/// <c>io.goauthentik.&lt;entity&gt;.saved|deleted</c>, <c>subject</c> <c>&lt;entity&gt;/&lt;pk&gt;</c>,
/// <c>entityversion</c> as a string of decimal digits, <c>data</c> snake_case.
/// </summary>
public sealed class ChangeEventFactory
{
    /// <summary>How <c>data</c> is written: snake_case, authentik's field names, nulls written (a saved event carries the whole state).</summary>
    public static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Converters = { new UtcDateTimeConverter() },
    };

    private readonly string source;
    private readonly Func<string> newId;

    /// <param name="source">The authentik install's URI-reference, exactly as the read model's <c>Events:Source</c>.</param>
    /// <param name="newId">Event ids (default: a new GUID each).</param>
    public ChangeEventFactory(string source, Func<string>? newId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        this.source = source;
        this.newId = newId ?? (() => Guid.NewGuid().ToString("D"));
    }

    public string Source => source;

    /// <summary>A <c>saved</c> event carrying the entity's whole state (serialized as its runtime type).</summary>
    /// <param name="version">See <see cref="EntityVersion"/>: the change's commit time in microseconds since the Unix epoch.</param>
    /// <param name="time">When the change happened (optional; omitted when unknown).</param>
    public PublishableEvent Saved<T>(T data, ulong version, DateTimeOffset? time = null, string? id = null)
        where T : IEntityData
    {
        ArgumentNullException.ThrowIfNull(data);
        return Build(data.Entity, data.Key, ChangeEventType.Saved, version, JsonSerializer.SerializeToNode(data, data.GetType(), DataJson), time, id);
    }

    /// <summary>A <c>deleted</c> event: <c>data</c> is <c>{"pk": ...}</c>.</summary>
    public PublishableEvent Deleted(string entity, string pk, ulong version, DateTimeOffset? time = null, string? id = null)
    {
        if (!EntityNames.All.Contains(entity))
        {
            throw new ArgumentException($"Unknown entity '{entity}': one of {string.Join(", ", EntityNames.All)}.", nameof(entity));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(pk);
        JsonNode pkNode = entity is EntityNames.Group or EntityNames.Application
            ? JsonValue.Create(pk)
            : JsonValue.Create(long.Parse(pk, NumberStyles.None, CultureInfo.InvariantCulture));
        return Build(entity, pk, ChangeEventType.Deleted, version, new JsonObject { ["pk"] = pkNode }, time, id);
    }

    public PublishableEvent Deleted(IEntityData data, ulong version, DateTimeOffset? time = null, string? id = null) =>
        Deleted(data.Entity, data.Key, version, time, id);

    private PublishableEvent Build(string entity, string pk, string action, ulong version, JsonNode? data, DateTimeOffset? time, string? id)
    {
        id ??= newId();
        var envelope = ChangeEventEnvelope.Create(id, source, entity, action, pk, version, data, time is { } at ? UtcDateTimeConverter.Format(at) : null);
        return new PublishableEvent(id, ChangeEventType.Of(entity, action), ChangeEventSubject.Of(entity, pk), version, envelope.ToJsonString());
    }
}

/// <summary>Entity versions: microseconds since the Unix epoch, so versions keep rising across a delete and a re-create.</summary>
public static class EntityVersion
{
    public static ulong FromTime(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), "Versions start at the Unix epoch.");
        }

        return (ulong)(ticks / TimeSpan.TicksPerMicrosecond);
    }

    public static DateTimeOffset ToTime(ulong version) =>
        DateTimeOffset.UnixEpoch.AddTicks(checked((long)version * TimeSpan.TicksPerMicrosecond));
}

/// <summary>Date-times as RFC 3339 in UTC with six fractional digits and a <c>Z</c> (<c>2024-09-13T14:05:42.243000Z</c>).</summary>
internal sealed class UtcDateTimeConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
