namespace AuthCodes.ReadModel;

/// <summary>
/// The in-process store: the local host's default and the fast test store. Its four ports share one
/// in-memory state (the projector writes what the queries read) and keep the same semantics as the
/// Cosmos store (the conformance suites hold both to them), including expiry: a snapshot with
/// <see cref="EntitySnapshot.ExpiresAt"/> (a code, expiry plus grace) is forgotten, with its code
/// document, once that time has passed, as Cosmos forgets an item after its ttl.
/// </summary>
public static class EmbeddedReadModelStore
{
    /// <summary>A new, empty store; <paramref name="time"/> decides expiry (tests pass the projector's).</summary>
    public static ReadModelStores Create(TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var state = new EmbeddedState(time);
        return new ReadModelStores(
            new EmbeddedCodeReadStore(state), new EmbeddedSnapshotStore(state), new EmbeddedViewStore(state), new EmbeddedRejectedEventStore(state, time));
    }
}
