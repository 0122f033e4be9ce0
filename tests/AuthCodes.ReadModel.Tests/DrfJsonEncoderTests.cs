using System.Text;
using System.Text.Json;

namespace AuthCodes.ReadModel.Tests;

/// <summary>Expected bytes were produced by CPython: <c>json.dumps(s, ensure_ascii=False)</c> plus DRF's U+2028/U+2029 escaping.</summary>
public sealed class DrfJsonEncoderTests
{
    private static string Write(string value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ResponseWriter.WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public void Escapes_strings_byte_for_byte_as_authentik_does()
    {
        var value = "a😀é\u2028\u2029\"\\\n\r\t\b\f\u001b\u0000<>&'\u007f\u00a0\u200b";

        Assert.Equal("\"a😀é\\u2028\\u2029\\\"\\\\\\n\\r\\t\\b\\f\\u001b\\u0000<>&'\u007f\u00a0\u200b\"", Write(value));
    }

    [Theory]
    [InlineData("plain ascii")]
    [InlineData("Zoë Ünal — 東京 🧪")]
    [InlineData("")]
    public void Leaves_text_without_special_characters_untouched(string value)
    {
        Assert.Equal("\"" + value + "\"", Write(value));
    }

    [Fact]
    public void Replaces_a_lone_surrogate_so_the_output_stays_valid_utf8()
    {
        var json = Write("x\ud800y");

        Assert.Equal("\"x\ufffdy\"", json);
    }

    [Fact]
    public void Round_trips_every_escaped_string_through_a_json_parser()
    {
        var value = string.Concat(Enumerable.Range(0, 0x80).Select(c => (char)c)) + "\u2028\u2029😀";

        Assert.Equal(value, JsonSerializer.Deserialize<string>(Write(value)));
    }
}
