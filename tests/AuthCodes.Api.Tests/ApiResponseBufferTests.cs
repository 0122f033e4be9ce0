using System.Text;
using AuthCodes.Api;
using Microsoft.AspNetCore.Http;

namespace AuthCodes.Api.Tests;

/// <summary>A JSON response is written from a pooled buffer, which goes back to the pool once the response is sent.</summary>
public sealed class ApiResponseBufferTests
{
    [Fact]
    public async Task A_json_response_writes_its_bytes_with_their_length_then_gives_its_buffer_back()
    {
        var response = ApiResponse.Detail(StatusCodes.Status404NotFound, "Not found.");
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await response.ExecuteAsync(context);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/json", context.Response.ContentType);
        Assert.Equal(23, context.Response.ContentLength);
        Assert.Equal("""{"detail":"Not found."}""", Encoding.UTF8.GetString(body.ToArray()));
        Assert.Throws<ObjectDisposedException>(() => response.Body);
    }

    [Fact]
    public void A_json_response_larger_than_its_size_hint_keeps_every_byte()
    {
        var text = new string('x', 70_000);

        var response = ApiResponse.Json(StatusCodes.Status200OK, writer => writer.WriteStringValue(text), sizeHint: 16);

        Assert.Equal("\"" + text + "\"", Encoding.UTF8.GetString(response.Body.Span));
    }
}
