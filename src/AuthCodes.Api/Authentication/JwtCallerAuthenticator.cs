namespace AuthCodes.Api.Authentication;

/// <summary>Placeholder until JWT validation lands: refuses every caller.</summary>
internal sealed class JwtCallerAuthenticator : ICallerAuthenticator
{
    public Task<AuthenticationOutcome> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) =>
        Task.FromResult<AuthenticationOutcome>(Refused.NotProvided);
}
