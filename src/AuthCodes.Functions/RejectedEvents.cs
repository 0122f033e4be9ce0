using AuthCodes.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AuthCodes.Functions;

/// <summary>
/// Operators' routes over the rejected-events store (<c>/api/events/rejected</c>, as on the local
/// host), behind the Functions admin key: rejected events carry publishers' data, and replay writes.
/// </summary>
public sealed class RejectedEvents(EventAdministration administration)
{
    [Function("ListRejectedEvents")]
    public async Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = EventAdministration.RejectedRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await administration.ListRejectedAsync(request.Query, cancellationToken);

    [Function("ReplayRejectedEvent")]
    public async Task<IActionResult> ReplayAsync(
        [HttpTrigger(AuthorizationLevel.Admin, "post", Route = EventAdministration.ReplayRoute)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await administration.ReplayAsync(id, cancellationToken);
}
