namespace AuthCodes.ReadModel;

/// <summary>The authenticated caller: superusers see every code, everyone else only their own.</summary>
public sealed record Caller(long UserPk, bool IsSuperuser);

/// <summary>What a list or retrieve request comes to, before it is written as HTTP.</summary>
public abstract record QueryOutcome;

public sealed record ListOutcome(PageEnvelope Page, IReadOnlyList<CodeDocument> Codes, RenderOptions Render) : QueryOutcome;

public sealed record CodeOutcome(CodeDocument Code, RenderOptions Render) : QueryOutcome;

/// <summary>400 with DRF field errors, in field order.</summary>
public sealed record FieldErrorsOutcome(IReadOnlyList<KeyValuePair<string, string>> Errors) : QueryOutcome;

/// <summary>404 with <c>{"detail": ...}</c>.</summary>
public sealed record NotFoundOutcome(string Detail) : QueryOutcome
{
    public static readonly NotFoundOutcome InvalidPage = new("Invalid page.");
    public static readonly NotFoundOutcome NotFound = new("Not found.");
}

/// <summary>
/// The list and retrieve use cases over the store port, in authentik's order of checks: filter
/// errors (400) before pagination (404). A page costs a bounded number of store calls: existence
/// checks for the filters, one count, one page read, and for superusers one batched secret read.
/// </summary>
public sealed class AuthorizationCodeQueries(ICodeReadStore store, TimeProvider clock)
{
    public async Task<QueryOutcome> ListAsync(Caller caller, ListQuery query, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(query, cancellationToken);
        if (errors is not null)
        {
            return errors;
        }

        var filter = ScopedFilter(caller, query);
        var count = filter is null ? 0 : await store.CountCodesAsync(filter, cancellationToken);
        if (PageEnvelope.For(query.Page, count, query.PageSize) is not { } page)
        {
            return NotFoundOutcome.InvalidPage;
        }

        IReadOnlyList<CodeDocument> codes = filter is null || count == 0
            ? []
            : await store.ListCodesAsync(filter, query.Ordering, page.Skip(query.PageSize), query.PageSize, cancellationToken);
        return new ListOutcome(page, codes, await RenderOptionsAsync(caller, query, codes, cancellationToken));
    }

    /// <summary>Retrieve runs the same filters as the list; a code outside them, or outside the caller's scope, is 404.</summary>
    public async Task<QueryOutcome> RetrieveAsync(Caller caller, string id, ListQuery query, CancellationToken cancellationToken)
    {
        var errors = await ValidateAsync(query, cancellationToken);
        if (errors is not null)
        {
            return errors;
        }

        var filter = ScopedFilter(caller, query);
        if (filter is null || FilterValue.Parse(id) is not { Pk: { } pk })
        {
            return NotFoundOutcome.NotFound;
        }

        var code = await store.GetCodeAsync(pk, cancellationToken);
        if (code is null || !filter.Matches(code))
        {
            return NotFoundOutcome.NotFound;
        }

        return new CodeOutcome(code, await RenderOptionsAsync(caller, query, [code], cancellationToken));
    }

    private async Task<FieldErrorsOutcome?> ValidateAsync(ListQuery query, CancellationToken cancellationToken)
    {
        var errors = new List<KeyValuePair<string, string>>(3);
        if (!await ExistsAsync(query.User, store.UserExistsAsync, cancellationToken))
        {
            errors.Add(new("user", ListQuery.InvalidChoiceMessage));
        }

        if (!await ExistsAsync(query.Provider, store.ProviderExistsAsync, cancellationToken))
        {
            errors.Add(new("provider", ListQuery.InvalidChoiceMessage));
        }

        if (query.SearchError is { } searchError)
        {
            errors.Add(new("search", searchError));
        }

        return errors.Count == 0 ? null : new FieldErrorsOutcome(errors);
    }

    /// <summary>django-filter checks existence against every user/provider, not just the caller's scope.</summary>
    private static async Task<bool> ExistsAsync(
        FilterValue value, Func<long, CancellationToken, Task<bool>> exists, CancellationToken cancellationToken) =>
        !value.IsPresent || (value.Pk is { } pk && await exists(pk, cancellationToken));

    /// <summary>The query's filter narrowed to the caller's scope; null when nothing can match.</summary>
    private static CodeFilter? ScopedFilter(Caller caller, ListQuery query)
    {
        var user = query.User.Pk;
        if (!caller.IsSuperuser)
        {
            if (user is not null && user != caller.UserPk)
            {
                return null;
            }

            user = caller.UserPk;
        }

        return new CodeFilter(user, query.Provider.Pk, query.SearchTerms.Count == 0 ? null : query.SearchTerms);
    }

    private async Task<RenderOptions> RenderOptionsAsync(
        Caller caller, ListQuery query, IReadOnlyList<CodeDocument> codes, CancellationToken cancellationToken)
    {
        var secrets = caller.IsSuperuser && codes.Count > 0
            ? await store.GetClientSecretsAsync(codes.Select(c => c.Provider.Pk).Distinct().ToArray(), cancellationToken)
            : caller.IsSuperuser ? new Dictionary<long, string>() : null;
        return new RenderOptions(clock.GetUtcNow(), query.IncludeGroups, secrets);
    }
}
