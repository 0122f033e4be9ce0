using AuthCodes.ReadModel;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AuthCodes.Api.Authentication;

/// <summary>
/// Authenticates authentik access tokens: header as authentik reads it, local JWT validation,
/// optional introspection, then the token's <c>sub</c> mapped to a live read-model user (<see cref="CallerCache"/>).
/// Logs say why a caller was refused, never the token, a secret or the header.
/// </summary>
internal sealed partial class JwtCallerAuthenticator : ICallerAuthenticator
{
    /// <summary>Long enough for an issuer blip to pass, short enough for clients to recover quickly.</summary>
    public static readonly TimeSpan IssuerRetryAfter = TimeSpan.FromSeconds(30);

    public const string IssuerUnavailableDetail =
        "The token issuer cannot be reached to validate credentials. Please retry later.";

    private readonly JwtTokenValidator validator;
    private readonly TokenIntrospector introspector;
    private readonly CallerCache callers;
    private readonly ILogger<JwtCallerAuthenticator> logger;
    private readonly bool introspect;

    public JwtCallerAuthenticator(
        JwtTokenValidator validator,
        TokenIntrospector introspector,
        CallerCache callers,
        IOptions<BearerAuthenticationOptions> options,
        ILogger<JwtCallerAuthenticator> logger)
    {
        this.validator = validator;
        this.introspector = introspector;
        this.callers = callers;
        this.logger = logger;
        introspect = options.Value.Introspection.Enabled;
    }

    public async Task<AuthenticationOutcome> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        if (!AuthorizationHeader.TryGetBearerCredential(authorizationHeader, out var credential, out var refusal))
        {
            LogHeaderRefused(logger, refusal!.Detail);
            return refusal;
        }

        JsonWebToken token;
        try
        {
            var validation = await validator.ValidateAsync(credential, cancellationToken);
            if (validation.Token is null)
            {
                LogTokenRefused(logger, validation.RefusalReason!);
                return Refused.InvalidToken;
            }

            if (introspect && !await introspector.IsActiveAsync(credential, validation.Token.ValidTo, cancellationToken))
            {
                LogTokenRefused(logger, "introspection: inactive or without " + JwtTokenValidator.ApiScope);
                return Refused.InvalidToken;
            }

            token = validation.Token;
        }
        catch (IssuerUnreachableException exception)
        {
            LogIssuerUnreachable(logger, exception);
            return new IssuerUnavailable(IssuerUnavailableDetail, IssuerRetryAfter);
        }

        var user = await callers.FindUserAsync(token.Subject, token.ValidTo, cancellationToken);
        if (user is null)
        {
            LogTokenRefused(logger, "no single user has the token's subject");
            return Refused.InvalidToken;
        }

        if (!user.IsActive)
        {
            LogInactiveUser(logger, user.Pk);
            return Refused.InvalidToken;
        }

        LogAuthenticated(logger, user.Pk, user.IsSuperuser);
        return new Authenticated(new Caller(user.Pk, user.IsSuperuser));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Authorization header refused: {Detail}")]
    private static partial void LogHeaderRefused(ILogger logger, string detail);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Bearer token refused: {Reason}")]
    private static partial void LogTokenRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Bearer token refused: user {UserPk} is inactive")]
    private static partial void LogInactiveUser(ILogger logger, long userPk);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Token issuer unavailable; answering 503")]
    private static partial void LogIssuerUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Authenticated user {UserPk} (superuser: {IsSuperuser})")]
    private static partial void LogAuthenticated(ILogger logger, long userPk, bool isSuperuser);
}
