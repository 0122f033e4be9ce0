using AuthCodes.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AuthCodes.ReadModel.Tests;

/// <summary>
/// The list and retrieve use cases over an embedded store: who sees a provider's client secret,
/// which codes a caller may list or retrieve, and the existence checks of the user and provider filters.
/// </summary>
public sealed class AuthorizationCodeQueriesTests : IAsyncLifetime
{
    private const string InvalidChoice = "Select a valid choice. That choice is not one of the available choices.";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Caller Admin = new(1, IsSuperuser: true);
    private static readonly Caller Alice = new(10, IsSuperuser: false);

    private readonly ReadModelStores store = EmbeddedReadModelStore.Create();
    private readonly AuthorizationCodeQueries queries;

    public AuthorizationCodeQueriesTests() => queries = new AuthorizationCodeQueries(store.Codes, new FakeTimeProvider(Sample.Now));

    /// <summary>Providers 1–3 (3 without codes), users 10 (Alice), 11 (Bob), 12 (no codes); codes 1 and 3 are Alice's, 2 and 4 Bob's.</summary>
    public async Task InitializeAsync()
    {
        var providers = new[] { Sample.Provider(1), Sample.Provider(2), Sample.Provider(3) };
        foreach (var provider in providers)
        {
            await store.Views.SaveProviderAsync(provider, $"secret-{provider.Pk}", None);
        }

        var users = new[] { Sample.User(10), Sample.User(11), Sample.User(12) };
        foreach (var user in users)
        {
            await store.Views.SaveUserAsync(user, None);
        }

        await store.Views.SaveCodeAsync(Sample.Code(1, providers[1], users[0], Sample.Now.AddMinutes(1)), None);
        await store.Views.SaveCodeAsync(Sample.Code(2, providers[0], users[1], Sample.Now.AddMinutes(1)), None);
        await store.Views.SaveCodeAsync(Sample.Code(3, providers[0], users[0], Sample.Now.AddMinutes(1)), None);
        await store.Views.SaveCodeAsync(Sample.Code(4, providers[1], users[1], Sample.Now.AddMinutes(1)), None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static ListQuery Query(params (string Name, string Value)[] parameters) =>
        ListQuery.Parse(name => parameters.LastOrDefault(p => p.Name == name).Value, maxPageSize: 100);

    private async Task<ListOutcome> ListAsync(Caller caller, params (string, string)[] parameters) =>
        Assert.IsType<ListOutcome>(await queries.ListAsync(caller, Query(parameters), None));

    private async Task<QueryOutcome> RetrieveAsync(Caller caller, string id, params (string, string)[] parameters) =>
        await queries.RetrieveAsync(caller, id, Query(parameters), None);

    [Fact]
    public async Task A_superuser_gets_the_client_secrets_of_exactly_the_providers_on_the_page()
    {
        var all = await ListAsync(Admin, ("ordering", "pk"));
        var providerOne = await ListAsync(Admin, ("provider", "1"));

        Assert.Equal(new Dictionary<long, string> { [1] = "secret-1", [2] = "secret-2" }, all.Render.ClientSecrets);
        Assert.Equal(new Dictionary<long, string> { [1] = "secret-1" }, providerOne.Render.ClientSecrets);
    }

    [Fact]
    public async Task A_superuser_gets_the_client_secret_of_a_retrieved_codes_provider()
    {
        var retrieved = Assert.IsType<CodeOutcome>(await RetrieveAsync(Admin, "2"));

        Assert.Equal(new Dictionary<long, string> { [1] = "secret-1" }, retrieved.Render.ClientSecrets);
    }

    [Fact]
    public async Task A_superusers_empty_page_still_renders_with_client_secrets_none_read()
    {
        var empty = await ListAsync(Admin, ("user", "12"));

        Assert.Equal(new Dictionary<long, string>(), empty.Render.ClientSecrets);
    }

    [Fact]
    public async Task A_caller_who_is_not_a_superuser_never_gets_client_secrets()
    {
        var listed = await ListAsync(Alice);
        var retrieved = Assert.IsType<CodeOutcome>(await RetrieveAsync(Alice, "1"));

        Assert.Equal([1L, 3L], listed.Codes.Select(c => c.Pk).Order());
        Assert.Null(listed.Render.ClientSecrets);
        Assert.Null(retrieved.Render.ClientSecrets);
    }

    [Fact]
    public async Task Renders_at_the_clocks_now_with_groups_unless_asked_not_to()
    {
        var withGroups = await ListAsync(Alice);
        var withoutGroups = await ListAsync(Alice, ("include_groups", "false"));

        Assert.Equal(new RenderOptions(Sample.Now, true, null), withGroups.Render);
        Assert.Equal(new RenderOptions(Sample.Now, false, null), withoutGroups.Render);
    }

    [Fact]
    public async Task A_superuser_lists_every_code_and_a_user_only_their_own()
    {
        var admin = await ListAsync(Admin, ("ordering", "pk"));
        var alice = await ListAsync(Alice, ("ordering", "pk"));

        Assert.Equal([1L, 2L, 3L, 4L], admin.Codes.Select(c => c.Pk));
        Assert.Equal(new PageEnvelope(Next: 0, Previous: 0, Count: 4, Current: 1, TotalPages: 1, StartIndex: 1, EndIndex: 4), admin.Page);
        Assert.Equal([1L, 3L], alice.Codes.Select(c => c.Pk));
        Assert.Equal(new PageEnvelope(Next: 0, Previous: 0, Count: 2, Current: 1, TotalPages: 1, StartIndex: 1, EndIndex: 2), alice.Page);
    }

    [Fact]
    public async Task A_user_filtering_by_another_user_gets_an_empty_page_not_an_error()
    {
        var other = await ListAsync(Alice, ("user", "11"));

        Assert.Empty(other.Codes);
        Assert.Equal(new PageEnvelope(Next: 0, Previous: 0, Count: 0, Current: 1, TotalPages: 1, StartIndex: 0, EndIndex: 0), other.Page);
    }

    [Fact]
    public async Task A_user_retrieves_their_own_code()
    {
        var retrieved = Assert.IsType<CodeOutcome>(await RetrieveAsync(Alice, "3"));

        Assert.Equal(3, retrieved.Code.Pk);
    }

    [Fact]
    public async Task A_user_cannot_retrieve_another_users_code_and_a_superuser_can()
    {
        Assert.Equal(NotFoundOutcome.NotFound, await RetrieveAsync(Alice, "2"));
        Assert.Equal(2, Assert.IsType<CodeOutcome>(await RetrieveAsync(Admin, "2")).Code.Pk);
    }

    [Fact]
    public async Task A_user_filtering_by_another_user_retrieves_nothing_not_even_their_own_code()
    {
        Assert.Equal(NotFoundOutcome.NotFound, await RetrieveAsync(Alice, "1", ("user", "11")));
    }

    [Theory]
    [InlineData("provider", "1")] // code 1 is provider 2's
    [InlineData("user", "11")] // and Alice's
    [InlineData("search", "nobody-has-this")]
    public async Task Retrieve_applies_the_list_filters_to_a_superuser_too(string name, string value)
    {
        Assert.Equal(NotFoundOutcome.NotFound, await RetrieveAsync(Admin, "1", (name, value)));
        Assert.IsType<CodeOutcome>(await RetrieveAsync(Admin, "1"));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("abc")]
    [InlineData("")]
    public async Task Retrieving_an_unknown_or_invalid_id_is_not_found(string id)
    {
        Assert.Equal(NotFoundOutcome.NotFound, await RetrieveAsync(Admin, id));
    }

    [Theory]
    [InlineData("user", "13")]
    [InlineData("user", "abc")]
    [InlineData("provider", "4")]
    [InlineData("provider", "1.5")]
    public async Task A_filter_naming_no_user_or_provider_is_a_field_error(string name, string value)
    {
        var outcome = await queries.ListAsync(Admin, Query((name, value)), None);

        Assert.Equal([new KeyValuePair<string, string>(name, InvalidChoice)], Assert.IsType<FieldErrorsOutcome>(outcome).Errors);
    }

    [Fact]
    public async Task Every_field_error_is_reported_in_field_order_before_any_page_check()
    {
        var outcome = await queries.ListAsync(Admin, Query(("search", new string('x', 257)), ("provider", "4"), ("user", "13"), ("page", "9")), None);

        Assert.Equal(
            [new("user", InvalidChoice), new("provider", InvalidChoice), new KeyValuePair<string, string>("search", ListQuery.SearchTooLongMessage)],
            Assert.IsType<FieldErrorsOutcome>(outcome).Errors);
    }

    [Fact]
    public async Task Retrieve_checks_the_filters_existence_before_the_code()
    {
        var outcome = await RetrieveAsync(Alice, "99", ("user", "13"));

        Assert.Equal([new KeyValuePair<string, string>("user", InvalidChoice)], Assert.IsType<FieldErrorsOutcome>(outcome).Errors);
    }

    [Fact]
    public async Task Existence_is_checked_against_every_user_and_provider_not_only_the_callers()
    {
        var otherUser = await ListAsync(Alice, ("user", "12"));
        var providerWithoutCodes = await ListAsync(Alice, ("provider", "3"));

        Assert.Equal(0, otherUser.Page.Count);
        Assert.Equal(0, providerWithoutCodes.Page.Count);
    }

    [Fact]
    public async Task A_deleted_user_or_provider_no_longer_passes_the_existence_check()
    {
        await store.Views.DeleteUserAsync(12, None);
        await store.Views.DeleteProviderAsync(3, None);

        var outcome = await queries.ListAsync(Admin, Query(("user", "12"), ("provider", "3")), None);

        Assert.Equal([new("user", InvalidChoice), new KeyValuePair<string, string>("provider", InvalidChoice)], Assert.IsType<FieldErrorsOutcome>(outcome).Errors);
    }

    [Fact]
    public async Task An_empty_filter_value_is_no_filter()
    {
        var listed = await ListAsync(Admin, ("user", ""), ("provider", ""));

        Assert.Equal(4, listed.Page.Count);
    }

    [Fact]
    public async Task A_page_past_the_last_is_invalid_and_the_last_page_is_found()
    {
        Assert.Equal(NotFoundOutcome.InvalidPage, await queries.ListAsync(Admin, Query(("page_size", "3"), ("page", "3")), None));

        var last = await ListAsync(Admin, ("page_size", "3"), ("page", "last"), ("ordering", "pk"));

        Assert.Equal([4L], last.Codes.Select(c => c.Pk));
        Assert.Equal(new PageEnvelope(Next: 0, Previous: 1, Count: 4, Current: 2, TotalPages: 2, StartIndex: 4, EndIndex: 4), last.Page);
    }

    [Fact]
    public void Not_found_outcomes_carry_djangos_details()
    {
        Assert.Equal("Not found.", NotFoundOutcome.NotFound.Detail);
        Assert.Equal("Invalid page.", NotFoundOutcome.InvalidPage.Detail);
    }
}
