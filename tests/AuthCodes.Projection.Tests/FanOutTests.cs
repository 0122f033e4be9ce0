using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;
using static AuthCodes.Testing.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>
/// How a fan-out's writes go out: at most <see cref="ProjectionOptions.FanOutParallelism"/> at once when the
/// store answers later (Cosmos), one after another on the calling thread when it answers at once (the
/// embedded store), and never past the first failure.
/// </summary>
public sealed class FanOutTests
{
    private const int Codes = 10;
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ChangeEventParser parser = new(Source);
    private readonly ReadModelStores store;
    private readonly HeldCodeSaves views;

    public FanOutTests()
    {
        store = EmbeddedReadModelStore.Create(time);
        views = new HeldCodeSaves(store.Views);
    }

    [Fact]
    public async Task A_fan_out_over_a_store_that_answers_later_keeps_the_configured_number_of_writes_in_flight()
    {
        var projector = await SeededProjectorAsync(fanOutParallelism: 3);

        var applying = projector.ApplyAsync(Parse(Provider(7, V + 1, name: "Renamed")), CancellationToken.None);

        // No held save has finished, so the fan-out waits with exactly three of its ten code writes started.
        Assert.False(applying.IsCompleted);
        Assert.Equal(3, views.Started);
        views.ReleaseAll();
        Assert.Equal(OutcomeKind.Applied, (await applying).Kind);
        Assert.Equal(Codes, views.Started);
        var listed = await store.Codes.ListCodesAsync(CodeFilter.All, CodeOrdering.Default, 0, Codes + 1, CancellationToken.None);
        Assert.Equal(Enumerable.Repeat("Renamed", Codes), listed.Select(c => c.Provider.Name));
    }

    [Fact]
    public async Task The_first_failed_write_cancels_the_writes_in_flight_starts_no_more_and_propagates_once_they_ended()
    {
        var projector = await SeededProjectorAsync(fanOutParallelism: 3);
        var applying = projector.ApplyAsync(Parse(Provider(7, V + 1, name: "Renamed")), CancellationToken.None);

        var failure = new StoreUnavailableException("The store is unavailable.", new TimeoutException());
        views.Fail(0, failure);

        Assert.Same(failure, await Assert.ThrowsAsync<StoreUnavailableException>(() => applying));
        Assert.Equal(3, views.Started);
        Assert.Equal(3, views.Ended);
        Assert.Equal(2, views.Cancelled);
    }

    [Fact]
    public async Task A_failed_write_propagates_only_after_the_writes_in_flight_have_answered()
    {
        // Each code of its own user, so no two writes wait on one user view read and every continuation runs
        // inline as the queue answers: the order of calls is fixed.
        var seeding = new Projector(store.Snapshots, store.Views, time);
        foreach (var json in new[] { Provider(7, V) }.Concat(Enumerable.Range(1, 4).SelectMany(pk => new[] { User(40 + pk, V), Code(pk, V, 7, 40 + pk) })))
        {
            Assert.Equal(OutcomeKind.Applied, (await seeding.ApplyAsync(Parse(json), CancellationToken.None)).Kind);
        }

        var saves = 0;
        var failing = FaultyStore.Wrap(store.Views, method =>
            method == nameof(IViewStore.SaveCodeAsync) && ++saves == 2 ? StoreFault.Transient : StoreFault.None);
        var calls = new StoreCallQueue();
        var projector = new Projector(calls.Wrap(store.Snapshots), calls.Wrap(failing), time, new ProjectionOptions { FanOutParallelism = 3 });

        // The second save fails while the other writes in flight still have calls queued: the event may fail
        // only once those have been answered, none outliving the call.
        await Assert.ThrowsAsync<StoreUnavailableException>(
            () => calls.RunAsync(projector.ApplyAsync(Parse(Provider(7, V + 1, name: "Renamed")), CancellationToken.None)));
        Assert.Equal(0, calls.Pending);
    }

    [Fact]
    public async Task A_fan_out_over_a_store_that_answers_at_once_runs_to_its_end_on_the_calling_thread()
    {
        var projector = await SeededProjectorAsync(fanOutParallelism: 3);
        views.Holding = false;

        // Every store call completed synchronously, so nothing moved to the thread pool.
        var applying = projector.ApplyAsync(Parse(Provider(7, V + 1, name: "Renamed")), CancellationToken.None);

        Assert.True(applying.IsCompletedSuccessfully);
        Assert.Equal(OutcomeKind.Applied, (await applying).Kind);
        Assert.Equal(Codes, views.Started);
    }

    private async Task<Projector> SeededProjectorAsync(int fanOutParallelism)
    {
        var seeding = new Projector(store.Snapshots, store.Views, time);
        foreach (var json in new[] { Provider(7, V), User(42, V) }.Concat(Enumerable.Range(1, Codes).Select(pk => Code(pk, V, 7, 42))))
        {
            Assert.Equal(OutcomeKind.Applied, (await seeding.ApplyAsync(Parse(json), CancellationToken.None)).Kind);
        }

        return new Projector(store.Snapshots, views, time, new ProjectionOptions { FanOutParallelism = fanOutParallelism });
    }

    private ParsedEvent Parse(string json) => parser.Parse(BinaryData.FromString(json));

    /// <summary>The embedded view store, with each code save held (while <see cref="Holding"/>) until the test releases or fails it.</summary>
    private sealed class HeldCodeSaves(IViewStore inner) : IViewStore
    {
        private readonly List<TaskCompletionSource> held = [];
        private int started;
        private int ended;
        private int cancelled;

        public bool Holding { get; set; } = true;

        public int Started => Volatile.Read(ref started);

        public int Ended => Volatile.Read(ref ended);

        public int Cancelled => Volatile.Read(ref cancelled);

        public void ReleaseAll()
        {
            Holding = false;
            lock (held)
            {
                held.ForEach(h => h.SetResult());
            }
        }

        public void Fail(int save, Exception failure)
        {
            lock (held)
            {
                held[save].SetException(failure);
            }
        }

        public async Task SaveCodeAsync(CodeDocument code, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref started);
            try
            {
                if (Holding)
                {
                    var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    lock (held)
                    {
                        held.Add(release);
                    }

                    await release.Task.WaitAsync(cancellationToken);
                }

                await inner.SaveCodeAsync(code, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cancelled);
                throw;
            }
            finally
            {
                Interlocked.Increment(ref ended);
            }
        }

        public Task<UserView?> GetUserAsync(long pk, CancellationToken cancellationToken) => inner.GetUserAsync(pk, cancellationToken);

        public Task<ProviderView?> GetProviderAsync(long pk, CancellationToken cancellationToken) => inner.GetProviderAsync(pk, cancellationToken);

        public Task SaveUserAsync(UserView user, CancellationToken cancellationToken) => inner.SaveUserAsync(user, cancellationToken);

        public Task DeleteUserAsync(long pk, CancellationToken cancellationToken) => inner.DeleteUserAsync(pk, cancellationToken);

        public Task SaveProviderAsync(ProviderView provider, string clientSecret, CancellationToken cancellationToken) =>
            inner.SaveProviderAsync(provider, clientSecret, cancellationToken);

        public Task DeleteProviderAsync(long pk, CancellationToken cancellationToken) => inner.DeleteProviderAsync(pk, cancellationToken);

        public Task<bool> DeleteCodeAsync(long pk, CancellationToken cancellationToken) => inner.DeleteCodeAsync(pk, cancellationToken);
    }
}
