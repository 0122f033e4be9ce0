using AuthCodes.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AuthCodes.Functions;

/// <summary><c>GET /api/v3/oauth2/authorization_codes/{id}/</c>: one code, within the caller's scope.</summary>
public sealed class RetrieveAuthorizationCode(AuthorizationCodesApi api)
{
    [Function(nameof(RetrieveAuthorizationCode))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AuthorizationCodesApi.RetrieveRoute)] HttpRequest request,
        string id,
        CancellationToken cancellationToken) =>
        await api.RetrieveAsync(request, id, cancellationToken);
}
