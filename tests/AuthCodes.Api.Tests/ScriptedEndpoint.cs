using System.Net;
using System.Text;

namespace AuthCodes.Api.Tests;

/// <summary>Answers every request with the scripted body and status (or throws), and remembers the last request.</summary>
internal sealed class ScriptedEndpoint : HttpMessageHandler
{
    private string body = "{}";
    private HttpStatusCode status = HttpStatusCode.OK;
    private Exception? failure;

    public int Requests { get; private set; }

    public HttpMethod? LastMethod { get; private set; }

    public Uri? LastUri { get; private set; }

    public string? LastBody { get; private set; }

    public string? LastAuthorization { get; private set; }

    public void Answer(string json, HttpStatusCode code = HttpStatusCode.OK) => (body, status, failure) = (json, code, null);

    public void Fail(Exception exception) => failure = exception;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests++;
        (LastMethod, LastUri, LastAuthorization) = (request.Method, request.RequestUri, request.Headers.Authorization?.ToString());
        LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        return failure is not null ? throw failure : new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
