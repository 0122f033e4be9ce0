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

    public async Task<ApiResponse> ListRejectedAsync(CancellationToken cancellationToken)
    {
        var rejected = await store.ListRejectedEventsAsync(MaxListed, cancellationToken);
        return ApiResponse.Json(StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartArray();
            foreach (var record in rejected)
            {
                writer.WriteStartObject();
                writer.WriteString("record_id", record.RecordId);
                writer.WriteString("id", record.EventId);
                writer.WriteString("type", record.Type);
                writer.WriteString("subject", record.Subject);
                writer.WriteString("reason", record.Reason);
                writer.WriteString("rejected_at", DrfDateTime.Format(record.RejectedAt));
                writer.WriteString("body", record.Body);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });
    }

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
