using System.Reflection;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;
using static AuthCodes.Projection.Tests.Events;

namespace AuthCodes.Projection.Tests;

/// <summary>Two projector instances over one store, with a chosen interleaving of their store calls.</summary>
public sealed class ConcurrentInstancesTests
{
    [Fact]
    public async Task A_code_saved_by_one_instance_while_another_applies_its_delete_stays_unlisted()
    {
        var time = new FakeTimeProvider(Sample.Now);
        var store = new EmbeddedReadModelStore(time);
        using var other = new Projector(store, time);
        var parser = new ChangeEventParser(Source);
        async Task ApplyAsync(Projector projector, string json) =>
            await projector.ApplyAsync(parser.Parse(BinaryData.FromString(json)), CancellationToken.None);
        await ApplyAsync(other, Provider(7, V));
        await ApplyAsync(other, User(42, V));

        // Instance one has written the code's snapshot and is about to write its list document when
        // instance two applies the code's delete from start to end.
        var interleaved = InterleavingStore.Wrap(store, beforeFirstCodeSave: () => ApplyAsync(other, Deleted("authorization_code", "1", V + 1)));
        using var one = new Projector(interleaved, time);
        await ApplyAsync(one, Code(1, V, 7, 42));

        Assert.Null(await store.GetCodeAsync(1, CancellationToken.None));
        Assert.Equal(0, await store.CountCodesAsync(CodeFilter.All, CancellationToken.None));
    }

    /// <summary>Forwards every call to a store, running a step of another instance before the first code document save.</summary>
    public class InterleavingStore : DispatchProxy
    {
        private IReadModelStore inner = null!;
        private Func<Task>? beforeFirstCodeSave;

        public static IReadModelStore Wrap(IReadModelStore inner, Func<Task> beforeFirstCodeSave)
        {
            var proxy = Create<IReadModelStore, InterleavingStore>();
            var interleaving = (InterleavingStore)(object)proxy;
            interleaving.inner = inner;
            interleaving.beforeFirstCodeSave = beforeFirstCodeSave;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IReadModelStore.SaveCodeAsync) && Interlocked.Exchange(ref beforeFirstCodeSave, null) is { } step)
            {
                return RunThenSaveAsync(step, targetMethod, args);
            }

            return targetMethod!.Invoke(inner, args);
        }

        private async Task RunThenSaveAsync(Func<Task> step, MethodInfo save, object?[]? args)
        {
            await step();
            await (Task)save.Invoke(inner, args)!;
        }
    }
}
