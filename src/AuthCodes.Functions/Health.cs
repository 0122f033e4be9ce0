using AuthCodes.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AuthCodes.Functions;

/// <summary><c>GET /api/health</c>: 200 when the read-model store answers, 503 otherwise. Needs no token.</summary>
public sealed class Health(AuthorizationCodesApi api)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AuthorizationCodesApi.HealthRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await api.HealthAsync(cancellationToken);
}
