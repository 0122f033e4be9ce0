using System.Net;
using System.Security.Cryptography;
using System.Text;
using AuthCodes.Api;
using AuthCodes.Projection;

namespace AuthCodes.LocalHost;

/// <summary>
/// The local host's HTTP stand-in for the Service Bus subscription: CloudEvents in structured mode,
/// single or batch, applied through the same intake before the response. Open without a key only in
/// the Development environment and from loopback; anywhere else the <c>X-Intake-Key</c> header must
/// match <c>Intake:Key</c> (no key configured: the intake is closed).
/// </summary>
internal static partial class EventIntakeEndpoints
{
    public const string Route = EventIntake.Route;
    public const string KeyHeader = EventIntake.KeyHeader;
    public const string KeySetting = EventIntake.KeySetting;
    public const string SingleContentType = CloudEventContentTypes.Single;
    public const string BatchContentType = CloudEventContentTypes.Batch;

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

        var body = await BinaryData.FromStreamAsync(request.Body, ct);
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

    private static ValueTask<object?> RequireIntakeAccess(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var environment = http.RequestServices.GetRequiredService<IWebHostEnvironment>();
        var remote = http.Connection.RemoteIpAddress;
        if (environment.IsDevelopment() && remote is not null && IPAddress.IsLoopback(remote))
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
