using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace AuthCodes.LocalHost;

/// <summary>
/// Start-up failures a user fixes with a setting or a free port: one line on stderr and
/// <see cref="ExitCode"/>, not an unhandled exception's stack trace. Any other exception is a bug and
/// keeps its stack trace.
/// </summary>
internal static class StartupFailure
{
    /// <summary>The host did not start; the line on stderr says why (2 stays the commands' usage error).</summary>
    public const int ExitCode = 1;

    public const string Prefix = "The local host cannot start: ";

    /// <summary>
    /// The generic host logs a failed start with its stack trace (Error); the one line replaces it. Its
    /// other Error record, a faulted background service, comes again as Critical when the host stops for it.
    /// </summary>
    public const string HostLogCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The line to print, or null when <paramref name="exception"/> is not a start-up failure a user can fix.</summary>
    public static string? Describe(Exception exception) => Reason(exception) is { } reason ? Prefix + reason : null;

    private static string? Reason(Exception exception) => exception switch
    {
        OptionsValidationException options => string.Join(" ", options.Failures),
        // Several options sections failed at once (or several hosted services): all of them, when every one is describable.
        AggregateException aggregate when aggregate.InnerExceptions.Select(Reason).ToList() is var reasons && reasons.All(r => r is not null) =>
            string.Join(" ", reasons),
        IOException { InnerException: AddressInUseException } inUse =>
            $"{inUse.Message} Stop the process that uses it, or listen elsewhere with --urls (setting Urls).",
        // This product throws InvalidOperationException only to refuse a setting or a file, with a message
        // written for the operator (Store, the development key, the Cosmos containers); a library's is a bug.
        InvalidOperationException own when IsOurs(own) => own.Message,
        _ => null,
    };

    private static bool IsOurs(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Assembly.GetName().Name?.StartsWith("AuthCodes.", StringComparison.Ordinal) == true;
}
