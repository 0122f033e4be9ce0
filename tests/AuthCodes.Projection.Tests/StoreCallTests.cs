using System.Collections.Concurrent;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// What an event costs in store calls (each one round trip on Cosmos), counted by a decorator on the
/// projector's ports: the figure that decides a code event's latency in Azure.
/// </summary>
public sealed class StoreCallTests
{
    private readonly Harness h = new();

    [Fact]
    public async Task A_new_code_of_a_live_user_and_provider_costs_nine_store_calls()
    {
        await h.SendAllAsync(Provider(7, V), User(42, V));

        var calls = await CallsAsync(Code(1, V, 7, 42));

        string[] record = [nameof(ISnapshotStore.GetSnapshotAsync), nameof(ISnapshotStore.TryWriteSnapshotAsync)];
        string[] derive = [nameof(ISnapshotStore.GetSnapshotAsync), nameof(IViewStore.GetUserAsync), nameof(IViewStore.GetProviderAsync)];
        Assert.Equal([.. record, .. derive, nameof(IViewStore.SaveCodeAsync), .. derive], calls);
    }

    [Fact]
    public async Task A_redelivered_code_event_derives_and_writes_its_document_again_in_eight_store_calls()
    {
        var code = Code(1, V, 7, 42);
        await h.SendAllAsync(Provider(7, V), User(42, V), code);

        var calls = await CallsAsync(code);

        string[] derive = [nameof(ISnapshotStore.GetSnapshotAsync), nameof(IViewStore.GetUserAsync), nameof(IViewStore.GetProviderAsync)];
        Assert.Equal([nameof(ISnapshotStore.GetSnapshotAsync), .. derive, nameof(IViewStore.SaveCodeAsync), .. derive], calls);
    }

    private async Task<string[]> CallsAsync(string json)
    {
        var calls = new ConcurrentQueue<string>();
        var ports = FaultyStore.WrapProjectorPorts(h.Store, method =>
        {
            calls.Enqueue(method);
            return StoreFault.None;
        });
        await new Projector(ports.Snapshots, ports.Views, h.Time).ApplyAsync(h.Parser.Parse(BinaryData.FromString(json)), default);
        return [.. calls];
    }
}
