using System.Globalization;
using System.Text.Json;
using AuthCodes.Projection;
using AuthCodes.ReadModel;
using Microsoft.AspNetCore.Http;

namespace AuthCodes.Api;

/// <summary>
/// Operators' view of the write path, shared by both hosts: the rejected events (newest first)
/// and replaying one after its cause is fixed; plus the per-event outcome answer of an intake.
/// Hosts put their own gate in front (Functions: the admin key; local host: loopback or intake key).
/// </summary>
public sealed class EventAdministration(ChangeEventIntake intake, IRejectedEventStore store)
{
    public const string RejectedRoute = "events/rejected";
    public const string ReplayRoute = "events/rejected/{id}/replay";
    public const int MaxListed = 1000;

    /// <summary>
    /// One page of rejected events, newest first: <c>page</c> (from 1) and <c>page_size</c> (1 to
    /// <see cref="MaxListed"/>, the default); a page shorter than its size is the last.
    /// </summary>
    public async Task<ApiResponse> ListRejectedAsync(IQueryCollection query, CancellationToken cancellationToken)
    {
        if (PositiveQueryInt(query, "page", 1, int.MaxValue / MaxListed) is not { } page
            || PositiveQueryInt(query, "page_size", MaxListed, MaxListed) is not { } pageSize)
        {
            return ApiResponse.Detail(
                StatusCodes.Status400BadRequest, $"page must be a positive integer and page_size an integer from 1 to {MaxListed}.");
        }

        var rejected = await store.ListRejectedEventsAsync((page - 1) * pageSize, pageSize, cancellationToken);
        IReadOnlyList<RejectedRecordJson> listed =
            [.. rejected.Select(r => new RejectedRecordJson(r.RecordId, r.EventId, r.Type, r.Subject, r.Reason, DrfDateTime.Format(r.RejectedAt), r.Body))];
        return ApiResponse.Json(StatusCodes.Status200OK, writer => JsonSerializer.Serialize(writer, listed, SnakeCase));
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A rejected event as the list shows it, in this field order (the event id is <c>id</c>).</summary>
    private sealed record RejectedRecordJson(string RecordId, string? Id, string? Type, string? Subject, string Reason, string RejectedAt, string? Body);

    /// <summary>The parameter's value, <paramref name="fallback"/> when absent; null when it is not an integer from 1 to <paramref name="max"/>.</summary>
    private static int? PositiveQueryInt(IQueryCollection query, string name, int fallback, int max) =>
        query[name].ToString() is not { Length: > 0 } text ? fallback
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 && value <= max ? value
        : null;

    public async Task<ApiResponse> ReplayAsync(string recordId, CancellationToken cancellationToken) =>
        await intake.ReplayAsync(recordId, cancellationToken) is { } outcome
            ? Outcomes([outcome])
            : ApiResponse.Detail(StatusCodes.Status404NotFound, "Not found.");

    /// <summary><c>{"applied": n, "ignored": n, "rejected": n, "outcomes": [...]}</c>, in event order.</summary>
    public static ApiResponse Outcomes(IReadOnlyList<ProjectionOutcome> outcomes) =>
        ApiResponse.Json(StatusCodes.Status200OK, writer => WriteOutcomes(writer, outcomes));

    private static void WriteOutcomes(Utf8JsonWriter writer, IReadOnlyList<ProjectionOutcome> outcomes)
    {
        writer.WriteStartObject();
        foreach (var kind in Enum.GetValues<OutcomeKind>())
        {
            writer.WriteNumber(kind.Name(), outcomes.Count(o => o.Kind == kind));
        }

        writer.WriteStartArray("outcomes");
        foreach (var outcome in outcomes)
        {
            writer.WriteStartObject();
            writer.WriteString("id", outcome.EventId);
            writer.WriteString("type", outcome.Type);
            writer.WriteString("subject", outcome.Subject);
            writer.WriteString("version", outcome.Version?.ToString(CultureInfo.InvariantCulture));
            writer.WriteString("outcome", outcome.Kind.Name());
            writer.WriteString("reason", outcome.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
