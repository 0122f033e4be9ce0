using AuthCodes.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AuthCodes.Functions;

/// <summary><c>GET /api/v3/oauth2/authorization_codes/</c>: authentik's list, paginated and filtered.</summary>
public sealed class ListAuthorizationCodes(AuthorizationCodesApi api)
{
    [Function(nameof(ListAuthorizationCodes))]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AuthorizationCodesApi.ListRoute)] HttpRequest request,
        CancellationToken cancellationToken) =>
        await api.ListAsync(request, cancellationToken);
}
