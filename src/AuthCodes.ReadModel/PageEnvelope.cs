using System.Numerics;

namespace AuthCodes.ReadModel;

/// <summary>
/// authentik's pagination block, computed as Django's <c>Paginator</c> and authentik's
/// <c>Pagination.get_paginated_response</c> compute it: page numbers are 1-based, 0 means "none",
/// and an empty result still has one (empty) first page.
/// </summary>
public readonly record struct PageEnvelope(
    int Next, int Previous, int Count, int Current, int TotalPages, int StartIndex, int EndIndex)
{
    /// <summary>The zero-based offset of the page's first item.</summary>
    public int Skip(int pageSize) => (Current - 1) * pageSize;

    public static int TotalPagesFor(int count, int pageSize) => Math.Max(1, (int)(((long)count + pageSize - 1) / pageSize));

    /// <summary>The envelope for <paramref name="page"/>, or null when Django would answer 404 "Invalid page.".</summary>
    public static PageEnvelope? For(PageSelector page, int count, int pageSize)
    {
        var totalPages = TotalPagesFor(count, pageSize);
        BigInteger? requested = page.IsLast ? totalPages : page.Number;
        if (requested is not { } number || number < 1 || number > totalPages)
        {
            return null;
        }

        var current = (int)number;
        return new PageEnvelope(
            Next: current < totalPages ? current + 1 : 0,
            Previous: current > 1 ? current - 1 : 0,
            Count: count,
            Current: current,
            TotalPages: totalPages,
            StartIndex: count == 0 ? 0 : ((current - 1) * pageSize) + 1,
            EndIndex: current == totalPages ? count : current * pageSize);
    }
}
