using AuthCodes.Api.Authentication;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api;

/// <summary>
/// The HTTP surface both hosts serve, as thin adapters over the core: authenticate, parse, query,
/// write. Hosts only bind routes to these methods.
/// </summary>
public sealed partial class AuthorizationCodesApi(
    ICallerAuthenticator authenticator,
    AuthorizationCodeQueries queries,
    ICodeReadStore store,
    ProjectionProgress progress,
    IOptions<ApiOptions> options,
    TimeProvider timeProvider,
    ILogger<AuthorizationCodesApi> logger)
{
    public const string ListRoute = "v3/oauth2/authorization_codes/";
    public const string RetrieveRoute = "v3/oauth2/authorization_codes/{id}/";
    public const string OpenApiRoute = "v3/schema/authorization-codes.json";
    public const string HealthRoute = "health";

    /// <summary>
    /// How long one store probe answers the anonymous health route, so anonymous requests cannot turn
    /// into store reads (a Cosmos DB request each). Shorter than any platform's probe interval: the
    /// next probe after an outage begins already sees it.
    /// </summary>
    public static readonly TimeSpan HealthProbeLifetime = TimeSpan.FromSeconds(5);

    private volatile StoreProbe? lastProbe;

    public Task<ApiResponse> ListAsync(HttpRequest request, CancellationToken cancellationToken) =>
        HandleAsync(request, (caller, query) => queries.ListAsync(caller, query, cancellationToken), cancellationToken);

    public Task<ApiResponse> RetrieveAsync(HttpRequest request, string id, CancellationToken cancellationToken) =>
        HandleAsync(request, (caller, query) => queries.RetrieveAsync(caller, id, query, cancellationToken), cancellationToken);

    public async Task<ApiResponse> HealthAsync(CancellationToken cancellationToken)
    {
        var reachable = await IsStoreReachableAsync(cancellationToken);
        return ApiResponse.Json(
            reachable ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("status", reachable ? "healthy" : "unhealthy");
                writer.WriteBoolean("store_reachable", reachable);
                if (progress.LastAppliedAt is { } lastApplied)
                {
                    writer.WriteString("last_event_applied_at", DrfDateTime.Format(lastApplied));
                }
                else
                {
                    writer.WriteNull("last_event_applied_at");
                }

                writer.WriteEndObject();
            });
    }

    public static ApiResponse OpenApiDocument() => ApiResponse.Raw(StatusCodes.Status200OK, OpenApi.Document);

    private async Task<ApiResponse> HandleAsync(
        HttpRequest request, Func<Caller, ListQuery, Task<QueryOutcome>> run, CancellationToken cancellationToken)
    {
        try
        {
            var authentication = await authenticator.AuthenticateAsync(request.Headers.Authorization.LastOrDefault(), cancellationToken);
            switch (authentication)
            {
                case Refused refused:
                    return ApiResponse.Detail(StatusCodes.Status403Forbidden, refused.Detail);
                case IssuerUnavailable unavailable:
                    return ApiResponse.Detail(StatusCodes.Status503ServiceUnavailable, unavailable.Detail, unavailable.RetryAfter);
            }

            var caller = ((Authenticated)authentication).Caller;
            var query = ListQuery.Parse(name => LastValue(request.Query, name), options.Value.MaxPageSize);
            return ApiResponse.From(await run(caller, query));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FailureResponse.For(exception, logger, "The read model is temporarily unavailable.");
        }
    }

    /// <summary>The last probe's answer while it is younger than <see cref="HealthProbeLifetime"/>, else a new probe's.</summary>
    private async Task<bool> IsStoreReachableAsync(CancellationToken cancellationToken)
    {
        if (lastProbe is { } last && timeProvider.GetUtcNow() - last.At < HealthProbeLifetime)
        {
            return last.Reachable;
        }

        var reachable = await ProbeStoreAsync(cancellationToken);
        lastProbe = new StoreProbe(reachable, timeProvider.GetUtcNow());
        return reachable;
    }

    private async Task<bool> ProbeStoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await store.IsReachableAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogStoreFailure(logger, exception);
            return false;
        }
    }

    private sealed record StoreProbe(bool Reachable, DateTimeOffset At);

    /// <summary>Django's <c>QueryDict.get</c>: the last value of a repeated parameter.</summary>
    private static string? LastValue(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "The read model store failed while serving a request")]
    private static partial void LogStoreFailure(ILogger logger, Exception exception);
}
