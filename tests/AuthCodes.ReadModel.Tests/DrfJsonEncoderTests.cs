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

    [Fact]
    public void Encodes_utf16_text_skipping_a_surrogate_pair_whole()
    {
        Assert.Equal("\ud83d\ude00\\\"", DrfJsonEncoder.Instance.Encode("\ud83d\ude00\""));
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x20, 0x7f, 0x62 }, -1)] // space and DEL are written raw
    [InlineData(new byte[] { 0x61, 0x22 }, 1)]
    [InlineData(new byte[] { 0x61, 0x5c }, 1)]
    [InlineData(new byte[] { 0x61, 0x1f }, 1)]
    [InlineData(new byte[] { 0xc3, 0xa9, 0x61 }, -1)] // é
    [InlineData(new byte[] { 0xc3, 0xa9, 0xe2, 0x80, 0xa8 }, 2)] // é, U+2028
    [InlineData(new byte[] { 0xf0, 0x9f, 0x98, 0x80, 0x0a }, 4)] // 😀, newline
    [InlineData(new byte[] { 0x61, 0x80 }, 1)] // a continuation byte alone is no character
    [InlineData(new byte[] { 0x61, 0xff, 0x62 }, 1)]
    public void Finds_the_first_utf8_byte_to_encode(byte[] utf8, int expected)
    {
        Assert.Equal(expected, DrfJsonEncoder.Instance.FindFirstCharacterToEncodeUtf8(utf8));
    }
}
