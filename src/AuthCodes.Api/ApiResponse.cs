using System.Globalization;
using System.Text.Json;
using AuthCodes.ReadModel;
using CommunityToolkit.HighPerformance.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AuthCodes.Api;

/// <summary>
/// A finished JSON response. It executes as a minimal-API <see cref="IResult"/> (local host) and as
/// an MVC <see cref="IActionResult"/> (Functions ASP.NET Core integration), so both hosts write the
/// same bytes. A JSON body lives in a pooled buffer, returned when the response has been written:
/// a list page is about 140 KB, and a fresh array of that size per request (large-object heap,
/// grown by doubling) cost the local host more CPU in allocation and gen-2 collections than the
/// page itself. Read <see cref="Body"/> before executing the response, never after.
/// </summary>
public sealed class ApiResponse : IResult, IActionResult
{
    /// <summary>What a listed code's JSON takes at most in practice (about 1.4 KB with nested groups), so a page's buffer is rented once.</summary>
    private const int BytesPerListedCode = 2048;

    private readonly ArrayPoolBufferWriter<byte>? pooled;
    private readonly ReadOnlyMemory<byte> raw;

    private ApiResponse(int statusCode, ArrayPoolBufferWriter<byte>? pooled, ReadOnlyMemory<byte> raw, TimeSpan? retryAfter)
    {
        StatusCode = statusCode;
        this.pooled = pooled;
        this.raw = raw;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public ReadOnlyMemory<byte> Body => pooled?.WrittenMemory ?? raw;

    public TimeSpan? RetryAfter { get; }

    public static ApiResponse Json(int statusCode, Action<Utf8JsonWriter> write, TimeSpan? retryAfter = null, int sizeHint = 512)
    {
        var buffer = new ArrayPoolBufferWriter<byte>(sizeHint);
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            write(writer);
        }

        return new ApiResponse(statusCode, buffer, default, retryAfter);
    }

    public static ApiResponse Raw(int statusCode, ReadOnlyMemory<byte> json) => new(statusCode, null, json, null);

    public static ApiResponse Detail(int statusCode, string detail, TimeSpan? retryAfter = null) =>
        Json(statusCode, writer => ResponseWriter.WriteDetail(writer, detail), retryAfter);

    public static ApiResponse From(QueryOutcome outcome) => outcome switch
    {
        ListOutcome list => Json(
            StatusCodes.Status200OK, writer => ResponseWriter.WriteList(writer, list.Page, list.Codes, list.Render), sizeHint: 1024 + (BytesPerListedCode * list.Codes.Count)),
        CodeOutcome one => Json(StatusCodes.Status200OK, writer => ResponseWriter.WriteCode(writer, one.Code, one.Render)),
        FieldErrorsOutcome errors => Json(StatusCodes.Status400BadRequest, writer => ResponseWriter.WriteFieldErrors(writer, errors.Errors)),
        NotFoundOutcome notFound => Detail(StatusCodes.Status404NotFound, notFound.Detail),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        response.ContentLength = Body.Length;
        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            await response.Body.WriteAsync(Body, httpContext.RequestAborted);
        }
        finally
        {
            pooled?.Dispose();
        }
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);
}
