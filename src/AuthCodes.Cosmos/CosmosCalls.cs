using System.Diagnostics;
using System.Net;
using AuthCodes.ReadModel;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Cosmos;

/// <summary>
/// Every Cosmos call of the stores, with diagnostics: a slow call is logged with its diagnostics and
/// charge, a failed one with its status. A failure other than the outcomes a caller expects (a
/// missing item, a lost conditional write) becomes a <see cref="StoreUnavailableException"/>.
/// </summary>
internal sealed partial class CosmosCalls(CosmosContainers containers, CosmosStoreOptions options, ILogger logger)
{
    /// <summary>Writes answer without the item: nothing reads it back, and it saves the response bytes.</summary>
    public static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };

    public async ValueTask<Container> CodesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await containers.CodesAsync(cancellationToken);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new StoreUnavailableException(e.Message, e);
        }
    }

    public async ValueTask<Container> EntitiesAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await containers.EntitiesAsync(cancellationToken);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new StoreUnavailableException(e.Message, e);
        }
    }

    /// <summary>One item; null when it does not exist (404).</summary>
    public async Task<T?> PointReadAsync<T>(Container container, string id, string partition, string operation, CancellationToken cancellationToken)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await container.ReadItemAsync<T>(id, new PartitionKey(partition), cancellationToken: cancellationToken);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
            return response.Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(operation, e);
        }
    }

    /// <summary>A write; a conflict (409), a failed precondition (412) or a vanished item (404) propagates as the <see cref="CosmosException"/> for the caller to decide.</summary>
    public async Task WriteAsync<T>(Container container, Func<Container, Task<ItemResponse<T>>> write, string operation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await write(container);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            throw; // an expected outcome of a conditional write (or a replace of a vanished item): the caller decides
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(operation, e);
        }
    }

    /// <summary>Deletes an item; false when it was missing (404).</summary>
    public async Task<bool> DeleteAsync(Container container, string id, string partition, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(partition), cancellationToken: cancellationToken);

            // A missing item is already deleted (idempotent deletes); anything else but success is a failure.
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
            }

            Observe(operation, started, response.Diagnostics, response.Headers.RequestCharge);
            return response.StatusCode != HttpStatusCode.NotFound;
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(operation, e);
        }
    }

    /// <summary>Every result of a query (all pages), in one partition when <paramref name="partition"/> is given.</summary>
    /// <summary>
    /// Items per query page: -1 lets the service fill each page up to its own limits (4 MB), so the live-codes
    /// query of a 10,000-code fan-out (run twice, with the settling round) is a page or two, not one
    /// sequential round trip per thousand codes. Queries that want fewer items say so with TOP.
    /// </summary>
    private const int MaxItemsPerPage = -1;

    public async Task<List<T>> QueryAsync<T>(Container container, QueryDefinition definition, string? partition, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var requestOptions = new QueryRequestOptions { PartitionKey = partition is null ? null : new PartitionKey(partition), MaxItemCount = MaxItemsPerPage };
        var results = new List<T>();
        double charge = 0;
        CosmosDiagnostics? last = null;
        try
        {
            using var iterator = container.GetItemQueryIterator<T>(definition, requestOptions: requestOptions);
            while (iterator.HasMoreResults)
            {
                var page = await iterator.ReadNextAsync(cancellationToken);
                results.AddRange(page);
                charge += page.RequestCharge;
                last = page.Diagnostics;
            }
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(operation, e);
        }

        Observe(operation, started, last, charge);
        return results;
    }

    /// <summary>The items of the given ids that exist, in one ReadMany.</summary>
    public async Task<IReadOnlyList<T>> ReadManyAsync<T>(Container container, IReadOnlyList<(string Id, PartitionKey Partition)> items, string operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await container.ReadManyItemsAsync<T>(items, cancellationToken: cancellationToken);
            Observe(operation, started, response.Diagnostics, response.RequestCharge);
            return [.. response];
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw Unavailable(operation, e);
        }
    }

    /// <summary>Cheap reachability probe: a point read of an item that never exists (a 404 costs 1 RU).</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PointReadAsync<RejectedItem>(await EntitiesAsync(cancellationToken), "reachability-probe", CosmosItemMapping.RejectedPartition, "probe", cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is StoreUnavailableException or InvalidOperationException)
        {
            LogUnreachable(logger, exception);
            return false;
        }
    }

    /// <summary>Failures outside the caller's control: Cosmos answering with an error (after the SDK's own retries), the network, a timeout.</summary>
    private static bool IsTransient(Exception exception) =>
        exception is CosmosException or HttpRequestException or TimeoutException;

    private StoreUnavailableException Unavailable(string operation, Exception exception)
    {
        if (exception is CosmosException cosmos)
        {
            LogFailed(logger, operation, (int)cosmos.StatusCode, cosmos.Diagnostics?.ToString());
        }

        return new StoreUnavailableException(exception.Message, exception);
    }

    private void Observe(string operation, long started, CosmosDiagnostics? diagnostics, double requestCharge)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed >= options.SlowRequestThreshold)
        {
            LogSlow(logger, operation, elapsed.TotalMilliseconds, requestCharge, diagnostics?.ToString());
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Cosmos {Operation} took {ElapsedMs:F0} ms ({RequestCharge} RU). Diagnostics: {Diagnostics}")]
    private static partial void LogSlow(ILogger logger, string operation, double elapsedMs, double requestCharge, string? diagnostics);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Cosmos {Operation} failed with status {StatusCode}. Diagnostics: {Diagnostics}")]
    private static partial void LogFailed(ILogger logger, string operation, int statusCode, string? diagnostics);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Cosmos DB is not reachable.")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);
}
