namespace AuthCodes.ReadModel;

/// <summary>
/// A store call failed for a reason outside the caller's control (unreachable, throttled past its
/// retries, timed out). Hosts answer it with 503 and a retry hint; anything else is a bug.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null)
    : Exception(message, innerException);
