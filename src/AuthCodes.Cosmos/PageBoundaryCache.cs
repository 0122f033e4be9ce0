namespace AuthCodes.Cosmos;

/// <summary>
/// Remembers, per filter and ordering, the count of matching codes and the sort key of the last row before a page (a keyset
/// cursor), so a deep page is reached from the nearest known boundary instead of from the start.
/// Entries live briefly and are dropped on every code write through this instance; a write by
/// another instance can shift positions by the rows it added or removed until the entry expires,
/// which is the documented page-number-over-changing-data trade-off (docs/cosmos-design.md).
/// </summary>
internal sealed class PageBoundaryCache(TimeSpan lifetime, TimeProvider time)
{
    private const int MaxQueries = 256;
    private readonly Lock gate = new();
    private readonly Dictionary<string, SortedDictionary<int, (long[] Boundary, DateTimeOffset At)>> entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Count, DateTimeOffset At)> counts = new(StringComparer.Ordinal);

    /// <summary>The largest remembered skip not above <paramref name="skip"/> and its boundary; (0, null) when none.</summary>
    public (int Skip, long[]? Boundary) Nearest(string query, int skip)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return (0, null);
        }

        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!entries.TryGetValue(query, out var boundaries))
            {
                return (0, null);
            }

            (int, long[]?) best = (0, null);
            foreach (var (knownSkip, entry) in boundaries)
            {
                if (knownSkip > skip)
                {
                    break;
                }

                if (now - entry.At < lifetime)
                {
                    best = (knownSkip, entry.Boundary);
                }
            }

            return best;
        }
    }

    public void Remember(string query, int skip, long[] boundary)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        lock (gate)
        {
            if (!entries.TryGetValue(query, out var boundaries))
            {
                if (entries.Count >= MaxQueries)
                {
                    entries.Clear();
                }

                entries[query] = boundaries = [];
            }

            boundaries[skip] = (boundary, time.GetUtcNow());
        }
    }

    /// <summary>A remembered count of the same filter (the superuser's unfiltered count is the costliest query of a page).</summary>
    public int? Count(string query)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return null;
        }

        lock (gate)
        {
            return counts.TryGetValue(query, out var entry) && time.GetUtcNow() - entry.At < lifetime ? entry.Count : null;
        }
    }

    public void RememberCount(string query, int count)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        lock (gate)
        {
            if (counts.Count >= MaxQueries)
            {
                counts.Clear();
            }

            counts[query] = (count, time.GetUtcNow());
        }
    }

    public void Invalidate()
    {
        lock (gate)
        {
            entries.Clear();
            counts.Clear();
        }
    }
}
