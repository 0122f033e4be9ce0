using Microsoft.Azure.Cosmos;

namespace AuthCodes.Benchmarks;

/// <summary>
/// TEST ONLY: delays every request the SDK sends by a fixed round-trip time and counts them. The local
/// Cosmos server answers from loopback in well under a millisecond; in Azure each round trip costs a few,
/// and that is what parallel fan-out and concurrent calls must hide. Added after the query-plan handler,
/// so the plans it answers locally are neither delayed nor counted.
/// </summary>
internal sealed class LatencyHandler(TimeSpan latency) : RequestHandler
{
    private long requests;

    public long Requests => Interlocked.Read(ref requests);

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref requests);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
