using System.Buffers;
using System.Globalization;
using System.Text.Json;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AuthCodes.Api;

/// <summary>
/// A finished JSON response. It executes as a minimal-API <see cref="IResult"/> (local host) and as
/// an MVC <see cref="IActionResult"/> (Functions ASP.NET Core integration), so both hosts write the
/// same bytes.
/// </summary>
public sealed class ApiResponse : IResult, IActionResult
{
    private ApiResponse(int statusCode, ReadOnlyMemory<byte> body, TimeSpan? retryAfter = null)
    {
        StatusCode = statusCode;
        Body = body;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public TimeSpan? RetryAfter { get; }

    public static ApiResponse Json(int statusCode, Action<Utf8JsonWriter> write, TimeSpan? retryAfter = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            write(writer);
        }

        return new ApiResponse(statusCode, buffer.WrittenMemory, retryAfter);
    }

    public static ApiResponse Raw(int statusCode, ReadOnlyMemory<byte> json) => new(statusCode, json);

    public static ApiResponse Detail(int statusCode, string detail, TimeSpan? retryAfter = null) =>
        Json(statusCode, writer => ResponseWriter.WriteDetail(writer, detail), retryAfter);

    public static ApiResponse From(QueryOutcome outcome) => outcome switch
    {
        ListOutcome list => Json(StatusCodes.Status200OK, writer => ResponseWriter.WriteList(writer, list.Page, list.Codes, list.Render)),
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

        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);
}
