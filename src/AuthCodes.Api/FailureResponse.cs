using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Api;

/// <summary>
/// How every handler answers an exception it does not handle itself. A store outage is not the
/// caller's fault: 503 with the handler's own detail and a retry hint. Anything else is a bug: 500
/// with DRF's generic detail. Either way one error line carries the exception; the body never does.
/// </summary>
public static partial class FailureResponse
{
    /// <summary>DRF's <c>APIException.default_detail</c>.</summary>
    public const string ServerErrorDetail = "A server error occurred.";

    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(5);

    public static ApiResponse For(Exception exception, ILogger logger, string storeUnavailableDetail)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // A snapshot write that kept losing races (after the projector's retries) heals by retrying, like an outage.
        if (exception is StoreUnavailableException or SnapshotConflictException)
        {
            LogStoreUnavailable(logger, exception);
            return ApiResponse.Detail(StatusCodes.Status503ServiceUnavailable, storeUnavailableDetail, StoreRetryAfter);
        }

        LogUnexpected(logger, exception);
        return ApiResponse.Detail(StatusCodes.Status500InternalServerError, ServerErrorDetail);
    }

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "The read model store is unavailable; answered 503")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "Unexpected failure while handling a request; answered 500")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
