using System.Text.Json;
using AuthCodes.Cli.Authentik;
using AuthCodes.Projection;
using AuthCodes.Publishing;

namespace AuthCodes.Cli;

/// <summary>Which resources and pages a backfill has sent (its state file): a rerun with the same file goes on after them.</summary>
internal sealed class BackfillState
{
    public string Authentik { get; set; } = "";

    public Dictionary<string, ResourceProgress> Resources { get; set; } = [];

    public sealed class ResourceProgress
    {
        public bool Completed { get; set; }

        /// <summary>The next page to read (authentik's page numbers, 1-based).</summary>
        public int NextPage { get; set; } = 1;

        public int Sent { get; set; }
    }
}

/// <summary>
/// Reads every page of every resource and emits a <c>saved</c> event per entity, versioned by
/// authentik's clock minus the skew margin. After each page is fully sent, the state file records
/// the next page; a page that is not fully sent stops the run and is read again on resume.
/// Each built event goes through the projector's parser before it leaves, so a mapping problem is
/// reported here, not rejected downstream.
/// </summary>
internal sealed class Backfill(
    AuthentikClient api, ChangeEventFactory factory, ChangeEventParser parser, IChangeEventSink sink,
    string authentik, string? statePath, TimeSpan skew, TextWriter progress)
{
    public int Emitted { get; private set; }

    public int Unmappable { get; private set; }

    /// <returns>True when every resource is complete; false when a page could not be fully sent.</returns>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        var state = (statePath is null ? null : StateFile.Load<BackfillState>(statePath)) ?? new BackfillState { Authentik = authentik };
        if (!string.Equals(state.Authentik, authentik, StringComparison.Ordinal))
        {
            throw new AuthentikException($"The state file {statePath} belongs to a backfill of {state.Authentik}, not {authentik}: use another --state file.");
        }

        foreach (var resource in AuthentikResource.All)
        {
            if (!state.Resources.TryGetValue(resource.Name, out var done))
            {
                state.Resources[resource.Name] = done = new BackfillState.ResourceProgress();
            }

            if (done.Completed)
            {
                await progress.WriteLineAsync($"{resource.Name}: already complete ({done.Sent} sent), skipped");
                continue;
            }

            if (done.NextPage > 1)
            {
                await progress.WriteLineAsync($"{resource.Name}: resuming at page {done.NextPage}");
            }

            while (!done.Completed)
            {
                var page = await api.GetPageAsync(resource, done.NextPage, cancellationToken);
                var events = Build(resource, page, done.NextPage);
                var report = await sink.PublishAsync(events, cancellationToken);
                Emitted += report.Count(PublishStatus.Sent);
                if (!report.AllSent)
                {
                    await Reporting.WriteFailuresAsync(progress, report, null);
                    await progress.WriteLineAsync(
                        $"{resource.Name}: page {done.NextPage} was not fully sent; stopped. Run the same command again to resume at this page.");
                    Save(state);
                    return false;
                }

                done.Sent += events.Count;
                await progress.WriteLineAsync(
                    $"{resource.Name}: page {done.NextPage}/{page.TotalPages}, {done.Sent} of {page.Count} sent");
                done.Completed = page.Next == 0;
                done.NextPage = page.Next == 0 ? done.NextPage : page.Next;
                Save(state);
            }
        }

        return true;
    }

    private List<PublishableEvent> Build(AuthentikResource resource, AuthentikPage page, int pageNumber)
    {
        var version = ObservedVersion.At(page.ServerTime, skew);
        var events = new List<PublishableEvent>(page.Results.Count);
        for (var i = 0; i < page.Results.Count; i++)
        {
            if (TryBuild(factory, parser, resource, page.Results[i], page.ServerTime, version, out var e, out var error))
            {
                events.Add(e);
            }
            else
            {
                Unmappable++;
                progress.WriteLine($"{resource.Name}: page {pageNumber} item {i + 1} (pk {page.Results[i]["pk"]?.ToJsonString() ?? "?"}) skipped: {error}");
            }
        }

        return events;
    }

    internal static bool TryBuild(
        ChangeEventFactory factory, ChangeEventParser parser, AuthentikResource resource, System.Text.Json.Nodes.JsonObject item,
        DateTimeOffset serverTime, ulong version, out PublishableEvent e, out string? error)
    {
        e = null!;
        try
        {
            e = factory.Saved(resource.Map(item, serverTime), version);
        }
        catch (JsonException exception)
        {
            error = $"cannot read it as a {resource.Entity}: {exception.Message}";
            return false;
        }

        var parsed = parser.Parse(BinaryData.FromString(e.Json));
        error = parsed.Rejection?.Reason;
        return parsed.IsValid;
    }

    private void Save(BackfillState state)
    {
        if (statePath is not null)
        {
            StateFile.Save(statePath, state);
        }
    }
}

internal static class Reporting
{
    /// <summary>One line per event that did not go through, with its input line when known.</summary>
    public static async Task WriteFailuresAsync(TextWriter writer, PublishReport report, IReadOnlyDictionary<string, int>? lines)
    {
        foreach (var result in report.Results.Where(r => r.Status != PublishStatus.Sent))
        {
            var where = lines is not null && lines.TryGetValue(result.Event.Id, out var line) ? $"line {line}: " : "";
            await writer.WriteLineAsync(
                $"{where}{StatusText(result.Status)}: {result.Event.Subject} ({result.Event.Type}, id {result.Event.Id}): {result.Detail}");
        }
    }

    private static string StatusText(PublishStatus status) => status switch
    {
        PublishStatus.NotSent => "not sent",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Summary(PublishReport report, string target) =>
        $"{report.Count(PublishStatus.Sent)} of {report.Results.Count} sent to {target}"
        + (report.Count(PublishStatus.Rejected) is > 0 and var rejected ? $", {rejected} rejected" : "")
        + (report.Count(PublishStatus.Refused) is > 0 and var refused ? $", {refused} refused (nothing arrived; the reason is above)" : "")
        + (report.Count(PublishStatus.Failed) is > 0 and var failed ? $", {failed} failed (may or may not have arrived)" : "")
        + (report.Count(PublishStatus.NotSent) is > 0 and var notSent ? $", {notSent} not sent" : "")
        + ".";
}
