using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuthCodes.Cli.Authentik;
using AuthCodes.Projection;
using AuthCodes.Publishing;

namespace AuthCodes.Cli;

/// <summary>What the last sync pass saw, per subject: a hash of the entity's data (and an application's slug, its lookup key).</summary>
internal sealed class SyncState
{
    public string Authentik { get; set; } = "";

    public DateTimeOffset? LastPass { get; set; }

    public SortedDictionary<string, SeenEntity> Entities { get; set; } = new(StringComparer.Ordinal);

    public sealed class SeenEntity
    {
        public string Hash { get; set; } = "";

        public string? Slug { get; set; }

        /// <summary>
        /// Sent by the last pass: the next pass sends it once more, with its later version, in case the
        /// first one lost against a live event from within the skew margin (docs/publishing.md, the version rule).
        /// </summary>
        public bool SendAgain { get; set; }

        /// <summary>Sent as deleted; kept only until the deletion has been sent again.</summary>
        public bool Deleted { get; set; }
    }
}

internal sealed record SyncPass(int Saved, int Deleted, int NotSent, int Unmappable);

/// <summary>
/// One poll of authentik: read every resource completely, diff against the state file, emit
/// <c>saved</c> for new or changed entities and <c>deleted</c> for vanished ones. A vanished
/// entity is confirmed gone by its retrieve route (404) first, since page-number pagination over a
/// changing list can skip an item. Everything a pass sends is sent once more by the next pass (a
/// later version wins where the first lost against a live event within the skew margin). Only
/// events that were sent update the state, so anything not sent is emitted again by the next pass.
/// Versions: authentik's clock minus the skew margin.
/// </summary>
internal sealed class Sync(
    AuthentikClient api, ChangeEventFactory factory, ChangeEventParser parser, IChangeEventSink sink,
    string authentik, string statePath, TimeSpan skew, TextWriter progress, TimeProvider time)
{
    public async Task<SyncPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var state = StateFile.Load<SyncState>(statePath) ?? new SyncState { Authentik = authentik };
        if (!string.Equals(state.Authentik, authentik, StringComparison.Ordinal))
        {
            throw new AuthentikException($"The state file {statePath} belongs to {state.Authentik}, not {authentik}: use another --state file.");
        }

        var events = new List<PublishableEvent>();
        var updates = new Dictionary<string, SyncState.SeenEntity?>(StringComparer.Ordinal);
        var unmappable = 0;
        foreach (var resource in AuthentikResource.All)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var (changed, again, vanished) = (0, 0, 0);
            for (var page = 1; page != 0;)
            {
                var answer = await api.GetPageAsync(resource, page, cancellationToken);
                var version = ObservedVersion.At(answer.ServerTime, skew);
                foreach (var item in answer.Results)
                {
                    if (!Backfill.TryBuild(factory, parser, resource, item, answer.ServerTime, version, out var e, out var error))
                    {
                        unmappable++;
                        await progress.WriteLineAsync($"{resource.Name}: item pk {item["pk"]?.ToJsonString() ?? "?"} skipped: {error}");
                        continue;
                    }

                    seen.Add(e.Subject);
                    var hash = HashOfData(e.Json);
                    state.Entities.TryGetValue(e.Subject, out var before);
                    var isChange = before is null || before.Deleted || before.Hash != hash;
                    if (isChange || before!.SendAgain)
                    {
                        events.Add(e);
                        updates[e.Id] = new SyncState.SeenEntity { Hash = hash, Slug = (string?)item["slug"], SendAgain = isChange };
                        if (isChange)
                        {
                            changed++;
                        }
                        else
                        {
                            again++;
                        }
                    }
                }

                page = answer.Next;
            }

            foreach (var (subject, entity) in state.Entities.Where(pair => pair.Key.StartsWith(resource.Entity + "/", StringComparison.Ordinal) && !seen.Contains(pair.Key)))
            {
                var pk = subject[(resource.Entity.Length + 1)..];
                var (exists, serverTime) = await api.ExistsAsync(resource, pk, entity.Slug, cancellationToken);
                if (exists)
                {
                    await progress.WriteLineAsync($"{resource.Name}: {subject} was missing from the list but still exists (the list moved while read); kept");
                    continue;
                }

                var e = factory.Deleted(resource.Entity, pk, ObservedVersion.At(serverTime, skew));
                events.Add(e);
                if (entity.Deleted)
                {
                    updates[e.Id] = null;
                    again++;
                }
                else
                {
                    updates[e.Id] = new SyncState.SeenEntity { Hash = entity.Hash, Slug = entity.Slug, SendAgain = true, Deleted = true };
                    vanished++;
                }
            }

            await progress.WriteLineAsync($"{resource.Name}: {seen.Count} seen, {changed} new or changed, {vanished} gone, {again} sent again");
        }

        var report = events.Count == 0 ? new PublishReport([]) : await sink.PublishAsync(events, cancellationToken);
        foreach (var result in report.Results.Where(r => r.Status == PublishStatus.Sent))
        {
            if (updates[result.Event.Id] is { } seenEntity)
            {
                state.Entities[result.Event.Subject] = seenEntity;
            }
            else
            {
                state.Entities.Remove(result.Event.Subject);
            }
        }

        await Reporting.WriteFailuresAsync(progress, report, null);
        state.LastPass = time.GetUtcNow();
        StateFile.Save(statePath, state);
        var sent = report.Results.Where(r => r.Status == PublishStatus.Sent).ToList();
        return new SyncPass(
            sent.Count(r => r.Event.Type.EndsWith(".saved", StringComparison.Ordinal)),
            sent.Count(r => r.Event.Type.EndsWith(".deleted", StringComparison.Ordinal)),
            report.Results.Count - sent.Count,
            unmappable);
    }

    /// <summary>The hash of the event's <c>data</c> (what a consumer sees), not of ids or versions.</summary>
    private static string HashOfData(string eventJson)
    {
        using var document = JsonDocument.Parse(eventJson);
        var data = document.RootElement.GetProperty("data").GetRawText();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)));
    }
}
