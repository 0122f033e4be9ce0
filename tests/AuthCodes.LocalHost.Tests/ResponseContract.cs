using AuthCodes.Testing;

namespace AuthCodes.LocalHost.Tests;

/// <summary>Holds every HTTP answer the contract tests see to our OpenAPI document.</summary>
internal static class ResponseContract
{
    private const string Codes = "/api/v3/oauth2/authorization_codes/";

    public static Task AssertDocumentedAsync(string url, HttpResponseMessage response) =>
        OpenApiContract.AssertResponseMatchesAsync(OperationOf(url), response);

    private static string OperationOf(string url)
    {
        var path = url.Split('?')[0];
        return path switch
        {
            "/api/health" => "health_retrieve",
            Codes => "oauth2_authorization_codes_list",
            _ when path.StartsWith(Codes, StringComparison.Ordinal) => "oauth2_authorization_codes_retrieve",
            _ => throw new ArgumentException($"No documented operation for {url}.", nameof(url)),
        };
    }
}
