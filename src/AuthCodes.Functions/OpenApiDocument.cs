using AuthCodes.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace AuthCodes.Functions;

/// <summary><c>GET /api/v3/schema/authorization-codes.json</c>: the OpenAPI document of this API. Needs no token.</summary>
public sealed class OpenApiDocument
{
    [Function(nameof(OpenApiDocument))]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = AuthorizationCodesApi.OpenApiRoute)] HttpRequest request) =>
        AuthorizationCodesApi.OpenApiDocument();
}
