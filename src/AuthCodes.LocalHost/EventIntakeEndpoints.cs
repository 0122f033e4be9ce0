using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using AuthCodes.Api;
using AuthCodes.Projection;

namespace AuthCodes.LocalHost;

/// <summary>
/// The local host's HTTP stand-in for the Service Bus subscription: CloudEvents in structured mode,
/// single or batch, applied through the same intake before the response. Open without a key only to
/// the callers <see cref="LoopbackTrust"/> trusts (Development, loopback); anyone else's
/// <c>X-Intake-Key</c> header must match <c>Intake:Key</c> (no key configured: the intake is closed).
/// </summary>
internal static partial class EventIntakeEndpoints
{
    public const string Route = EventIntake.Route;
    public const string KeyHeader = EventIntake.KeyHeader;
    public const string KeySetting = EventIntake.KeySetting;
    public const string SingleContentType = CloudEventContentTypes.Single;
    public const string BatchContentType = CloudEventContentTypes.Batch;

    /// <summary>Caps that keep one request from holding the host: bytes of a body, events of a batch.</summary>
    public const long MaxBodyBytes = 4 * 1024 * 1024;
    public const int MaxBatchEvents = 1000;

    public static IEndpointRouteBuilder MapEventIntake(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Route, PostAsync).AddEndpointFilter(RequireIntakeAccess);
        var administration = endpoints.MapGroup(LocalHostExtensions.RoutePrefix).AddEndpointFilter(RequireIntakeAccess);
        administration.MapGet(EventAdministration.RejectedRoute, (HttpRequest request, EventAdministration handler, CancellationToken ct) =>
            handler.ListRejectedAsync(request.Query, ct));
        administration.MapPost(EventAdministration.ReplayRoute, (string id, EventAdministration handler, CancellationToken ct) =>
            handler.ReplayAsync(id, ct));
        return endpoints;
    }

    private static async Task<IResult> PostAsync(HttpRequest request, ChangeEventIntake intake, ILoggerFactory loggers, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (SingleContentType or BatchContentType))
        {
            return ApiResponse.Detail(
                StatusCodes.Status415UnsupportedMediaType, $"Send CloudEvents in structured mode: {SingleContentType} or {BatchContentType}.");
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        BinaryData body;
        try
        {
            body = await BinaryData.FromStreamAsync(request.Body, ct);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (mediaType == BatchContentType && TopLevelElementsExceed(body, MaxBatchEvents))
        {
            return ApiResponse.Detail(StatusCodes.Status400BadRequest, $"A batch may hold at most {MaxBatchEvents} events; send it in parts.");
        }

        try
        {
            var outcomes = mediaType == SingleContentType ? [await intake.HandleAsync(body, ct)] : await intake.HandleBatchAsync(body, ct);
            return EventAdministration.Outcomes(outcomes);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // What was applied stays applied; re-sending everything is safe, events are idempotent.
            return FailureResponse.For(
                exception, loggers.CreateLogger(typeof(EventIntakeEndpoints)), "The read model is temporarily unavailable; send the events again.");
        }
    }

    private static ApiResponse TooLarge() =>
        ApiResponse.Detail(StatusCodes.Status413PayloadTooLarge, $"The body may be at most {MaxBodyBytes / (1024 * 1024)} MB; send the events in smaller batches.");

    /// <summary>Whether a JSON array holds more than <paramref name="max"/> elements; anything else is left to the parser.</summary>
    private static bool TopLevelElementsExceed(BinaryData body, int max)
    {
        var reader = new Utf8JsonReader(body.ToMemory().Span);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            var count = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (++count > max)
                {
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the parser rejects it with its reason.
        }

        return false;
    }

    private static ValueTask<object?> RequireIntakeAccess(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.RequestServices.GetRequiredService<LoopbackTrust>().Trusts(http))
        {
            return next(context);
        }

        var key = http.RequestServices.GetRequiredService<IConfiguration>()[KeySetting];
        if (string.IsNullOrEmpty(key))
        {
            return ValueTask.FromResult<object?>(ApiResponse.Detail(
                StatusCodes.Status403Forbidden, $"The event intake is open only to loopback in Development; elsewhere configure {KeySetting}."));
        }

        var presented = http.Request.Headers[KeyHeader].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key))
            ? next(context)
            : ValueTask.FromResult<object?>(ApiResponse.Detail(StatusCodes.Status403Forbidden, $"A valid {KeyHeader} header is required."));
    }
}
