using AuthCodes.ReadModel;

namespace AuthCodes.Api.Authentication;

/// <summary>Turns an <c>Authorization</c> header into a caller of the read model, or a refusal.</summary>
public interface ICallerAuthenticator
{
    Task<AuthenticationOutcome> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken);
}

public abstract record AuthenticationOutcome;

public sealed record Authenticated(Caller Caller) : AuthenticationOutcome;

/// <summary>403 with authentik's detail text.</summary>
public sealed record Refused(string Detail) : AuthenticationOutcome
{
    public static readonly Refused NotProvided = new("Authentication credentials were not provided.");
    public static readonly Refused InvalidToken = new("Token invalid/expired");
}

/// <summary>503: the issuer's metadata or keys cannot be fetched; the caller is not to blame and may retry.</summary>
public sealed record IssuerUnavailable(string Detail, TimeSpan RetryAfter) : AuthenticationOutcome;
