using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.Projection.Tests;

/// <summary>A projector over an embedded store at <see cref="Sample.Now"/>, fed with JSON.</summary>
internal sealed class Harness
{
    public Harness(string? acceptedSource = Events.Source)
    {
        Time = new FakeTimeProvider(Sample.Now);
        Store = EmbeddedReadModelStore.Create(Time);
        Parser = new ChangeEventParser(acceptedSource);
        Projector = new Projector(Store.Snapshots, Store.Views, Time);
    }

    public ReadModelStores Store { get; }

    public FakeTimeProvider Time { get; }

    public ChangeEventParser Parser { get; }

    public Projector Projector { get; }

    public async Task<ProjectionOutcome> SendAsync(string json) =>
        await Projector.ApplyAsync(Parser.Parse(BinaryData.FromString(json)), CancellationToken.None);

    public async Task SendAllAsync(params string[] events)
    {
        foreach (var json in events)
        {
            var outcome = await SendAsync(json);
            Assert.True(outcome.Kind == OutcomeKind.Applied, $"{outcome.Subject}: {outcome.Kind} {outcome.Reason}");
        }
    }

    public Task<CodeDocument?> CodeAsync(long pk) => Store.Codes.GetCodeAsync(pk, CancellationToken.None);

    public async Task<long[]> ListedAsync() =>
        [.. (await Store.Codes.ListCodesAsync(CodeFilter.All, ListQuery.ParseOrdering("pk"), 0, 1000, CancellationToken.None)).Select(c => c.Pk)];
}
