using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuthCodes.ReadModel;

/// <summary>
/// A key in JSON (states carry their key, and Cosmos items keep it): <c>{"kind": 1, "pk": "42"}</c>,
/// the pk in its canonical text, property names after the serializer's naming policy.
/// </summary>
internal sealed class EntityKeyJsonConverter : JsonConverter<EntityKey>
{
    public override void Write(Utf8JsonWriter writer, EntityKey value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WritePropertyName(NameOf(nameof(EntityKey.Kind), options));
        JsonSerializer.Serialize(writer, value.Kind, options);
        writer.WriteString(NameOf("Pk", options), value.PkText);
        writer.WriteEndObject();
    }

    public override EntityKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        var kind = element.GetProperty(NameOf(nameof(EntityKey.Kind), options)).Deserialize<EntityKind>(options);
        return EntityKey.Parse(kind, element.GetProperty(NameOf("Pk", options)).GetString()!);
    }

    private static string NameOf(string property, JsonSerializerOptions options) =>
        options.PropertyNamingPolicy?.ConvertName(property) ?? property;
}
