using System.Globalization;
using System.Text.Json.Nodes;

namespace AuthCodes.Contract;

/// <summary>
/// A change event in CloudEvents 1.0 structured JSON mode, as every publisher writes it:
/// <c>specversion</c>, <c>id</c>, <c>source</c>, <c>type</c>, <c>subject</c>, <c>time</c> (when
/// known), <c>entityversion</c> as decimal digits, <c>datacontenttype</c> and <c>data</c>, in that order.
/// </summary>
public static class ChangeEventEnvelope
{
    public const string SpecVersion = "1.0";

    /// <summary>The extension attribute that orders an entity's events.</summary>
    public const string EntityVersionAttribute = "entityversion";

    /// <summary>
    /// The contract version an event may name in <c>dataschema</c> (optional). A change an older projector
    /// would misread gets a new version, which this projector rejects instead of misreading.
    /// </summary>
    public const string DataSchema = "urn:authcodes:events:v1";

    /// <summary>What <c>data</c> is: JSON (a parameter such as <c>; charset=utf-8</c> may follow when read).</summary>
    public const string DataContentType = "application/json";

    /// <param name="entity">One of <see cref="EntityNames"/>.</param>
    /// <param name="action"><see cref="ChangeEventType.Saved"/> or <see cref="ChangeEventType.Deleted"/>.</param>
    /// <param name="pk">The pk as the subject writes it.</param>
    /// <param name="data">Becomes the envelope's <c>data</c> (the node is adopted, not copied).</param>
    /// <param name="time">The RFC 3339 <c>time</c> as the publisher writes it; omitted when null.</param>
    public static JsonObject Create(string id, string source, string entity, string action, string pk, ulong entityVersion, JsonNode? data, string? time = null)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = SpecVersion,
            ["id"] = id,
            ["source"] = source,
            ["type"] = ChangeEventType.Of(entity, action),
            ["subject"] = ChangeEventSubject.Of(entity, pk),
        };
        if (time is not null)
        {
            envelope["time"] = time;
        }

        envelope[EntityVersionAttribute] = entityVersion.ToString(CultureInfo.InvariantCulture);
        envelope["datacontenttype"] = DataContentType;
        envelope["data"] = data;
        return envelope;
    }
}
