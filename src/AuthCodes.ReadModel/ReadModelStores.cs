namespace AuthCodes.ReadModel;

/// <summary>
/// The four store ports of one read model, over one shared storage (one embedded instance, or the
/// Cosmos stores on one container pair): what a host registers, and what tests seed and inspect.
/// </summary>
public sealed record ReadModelStores(
    ICodeReadStore Codes, ISnapshotStore Snapshots, IViewStore Views, IRejectedEventStore RejectedEvents);
