namespace AuthCodes.ReadModel;

/// <summary>
/// Code documents kept in one ordering, maintained on write: sorted chunks of bounded size (an insert
/// or removal moves at most one chunk) with chunk start positions rebuilt on the first read after a
/// write, so finding position <c>n</c> is a binary search and a page costs O(log n + page size).
/// Read backwards it serves the exact reverse ordering too.
/// </summary>
internal sealed class SortedCodeList
{
    private const int ChunkSize = 512;
    private readonly IComparer<CodeDocument> order;
    private readonly List<List<CodeDocument>> chunks = [];
    private int[]? chunkStarts;

    public SortedCodeList(IComparer<CodeDocument> order, IEnumerable<CodeDocument> codes)
    {
        this.order = order;
        var sorted = codes.ToArray();
        Array.Sort(sorted, order);
        foreach (var chunk in sorted.Chunk(ChunkSize / 2))
        {
            chunks.Add([.. chunk]);
        }

        Count = sorted.Length;
    }

    public int Count { get; private set; }

    public void Add(CodeDocument code)
    {
        if (chunks.Count == 0)
        {
            chunks.Add([code]);
        }
        else
        {
            var index = ChunkFor(code);
            var chunk = chunks[index];
            var position = chunk.BinarySearch(code, order);
            chunk.Insert(position < 0 ? ~position : position, code);
            if (chunk.Count > ChunkSize)
            {
                chunks.Insert(index + 1, chunk.GetRange(ChunkSize / 2, chunk.Count - ChunkSize / 2));
                chunk.RemoveRange(ChunkSize / 2, chunk.Count - ChunkSize / 2);
            }
        }

        Count++;
        chunkStarts = null;
    }

    /// <summary>Removes <paramref name="code"/>, found by the ordering: pass the document as it was added.</summary>
    public void Remove(CodeDocument code)
    {
        var index = ChunkFor(code);
        var chunk = chunks[index];
        var position = chunk.BinarySearch(code, order);
        if (position < 0)
        {
            return;
        }

        chunk.RemoveAt(position);
        if (chunk.Count == 0)
        {
            chunks.RemoveAt(index);
        }

        Count--;
        chunkStarts = null;
    }

    /// <summary>The codes from position <paramref name="skip"/> on, in the ordering or (when <paramref name="reversed"/>) its reverse.</summary>
    public IEnumerable<CodeDocument> From(int skip, bool reversed)
    {
        if (skip >= Count)
        {
            yield break;
        }

        var position = reversed ? Count - 1 - skip : skip;
        var starts = ChunkStarts();
        var chunkIndex = Array.BinarySearch(starts, position);
        chunkIndex = chunkIndex < 0 ? ~chunkIndex - 1 : chunkIndex;
        var offset = position - starts[chunkIndex];
        for (; chunkIndex >= 0 && chunkIndex < chunks.Count; chunkIndex += reversed ? -1 : 1)
        {
            var chunk = chunks[chunkIndex];
            if (reversed)
            {
                for (var i = offset; i >= 0; i--)
                {
                    yield return chunk[i];
                }

                offset = chunkIndex > 0 ? chunks[chunkIndex - 1].Count - 1 : 0;
            }
            else
            {
                for (var i = offset; i < chunk.Count; i++)
                {
                    yield return chunk[i];
                }

                offset = 0;
            }
        }
    }

    /// <summary>The first chunk whose last code does not sort before <paramref name="code"/>, else the last chunk.</summary>
    private int ChunkFor(CodeDocument code)
    {
        int low = 0, high = chunks.Count - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (order.Compare(chunks[middle][^1], code) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private int[] ChunkStarts()
    {
        if (chunkStarts is null)
        {
            chunkStarts = new int[chunks.Count];
            for (int i = 0, start = 0; i < chunks.Count; start += chunks[i].Count, i++)
            {
                chunkStarts[i] = start;
            }
        }

        return chunkStarts;
    }
}
