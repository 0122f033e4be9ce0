using System.Text;
using System.Text.Json;

namespace AuthCodes.Publishing;

/// <summary>
/// Sends change events to a local host's intake (<c>POST /api/events</c>) as
/// <c>application/cloudevents-batch+json</c>, in chunks, and reports each event's outcome
/// (applied and ignored are <see cref="PublishStatus.Sent"/>, rejected carries the reason). A chunk
/// the intake refuses (4xx) marks its events <see cref="PublishStatus.Refused"/>; one that fails
/// otherwise (5xx, no answer) marks them <see cref="PublishStatus.Failed"/>; the other chunks are still sent.
/// </summary>
public sealed class HttpIntakePublisher : IChangeEventSink
{
    private readonly HttpClient client;
    private readonly Uri endpoint;
    private readonly string? intakeKey;
    private readonly int chunkSize;

    /// <param name="baseAddress">The local host, e.g. <c>http://127.0.0.1:7071</c>.</param>
    /// <param name="intakeKey">The <c>X-Intake-Key</c> (needed outside Development/loopback).</param>
    public HttpIntakePublisher(HttpClient client, Uri baseAddress, string? intakeKey = null, int chunkSize = 100)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        this.client = client;
        var root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        endpoint = new Uri(root, EventIntake.Route.TrimStart('/')); // relative: a base address's path is kept
        this.intakeKey = intakeKey;
        this.chunkSize = chunkSize;
    }

    public async Task<PublishReport> PublishAsync(IReadOnlyList<PublishableEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var results = new List<PublishResult>(events.Count);
        foreach (var chunk in events.Chunk(chunkSize))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                results.AddRange(chunk.Select(e => new PublishResult(e, PublishStatus.NotSent, "Cancelled before it was sent.")));
                continue;
            }

            results.AddRange(await SendChunkAsync(chunk, cancellationToken));
        }

        return new PublishReport(results);
    }

    private async Task<List<PublishResult>> SendChunkAsync(PublishableEvent[] chunk, CancellationToken cancellationToken)
    {
        var body = new StringBuilder("[");
        body.AppendJoin(',', chunk.Select(e => e.Json)).Append(']');
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToString(), Encoding.UTF8, CloudEventContentTypes.Batch),
        };
        if (intakeKey is not null)
        {
            request.Headers.Add(EventIntake.KeyHeader, intakeKey);
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // A 4xx answer is the intake refusing the request before applying anything; a 5xx may come after some of it was applied.
                var status = (int)response.StatusCode is >= 400 and < 500 ? PublishStatus.Refused : PublishStatus.Failed;
                return [.. chunk.Select(e => new PublishResult(e, status, $"The intake answered {(int)response.StatusCode} {response.ReasonPhrase}: {Shorten(text)}"))];
            }

            return Outcomes(chunk, text);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return Failed(chunk, $"No answer from the intake ({exception.Message}); the events may or may not have been applied (sending them again is safe).");
        }
    }

    private static List<PublishResult> Outcomes(PublishableEvent[] chunk, string text)
    {
        JsonElement outcomes;
        try
        {
            using var document = JsonDocument.Parse(text);
            outcomes = document.RootElement.GetProperty("outcomes").Clone();
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Failed(chunk, $"The intake's answer is not an outcome list: {Shorten(text)}");
        }

        if (outcomes.ValueKind != JsonValueKind.Array || outcomes.GetArrayLength() != chunk.Length)
        {
            return Failed(chunk, $"The intake answered {(outcomes.ValueKind == JsonValueKind.Array ? outcomes.GetArrayLength() : 0)} outcomes for {chunk.Length} events.");
        }

        return chunk.Zip(outcomes.EnumerateArray(), (e, outcome) =>
        {
            var kind = outcome.TryGetProperty("outcome", out var k) ? k.GetString() : null;
            var reason = outcome.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return kind switch
            {
                OutcomeNames.Applied => new PublishResult(e, PublishStatus.Sent, OutcomeNames.Applied),
                OutcomeNames.Ignored => new PublishResult(e, PublishStatus.Sent, $"{OutcomeNames.Ignored}: {reason}"),
                OutcomeNames.Rejected => new PublishResult(e, PublishStatus.Rejected, reason),
                _ => new PublishResult(e, PublishStatus.Failed, $"Unknown outcome '{kind}'."),
            };
        }).ToList();
    }

    private static List<PublishResult> Failed(PublishableEvent[] chunk, string reason) =>
        chunk.Select(e => new PublishResult(e, PublishStatus.Failed, reason)).ToList();

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
