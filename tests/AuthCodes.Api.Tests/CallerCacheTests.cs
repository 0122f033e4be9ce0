using AuthCodes.Api.Authentication;
using AuthCodes.Testing;
using AuthCodes.ReadModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NSubstitute;
using NSubstitute.ClearExtensions;
using static AuthCodes.Testing.Sample;

namespace AuthCodes.Api.Tests;

/// <summary>
/// The caller look-up is reused per subject within <c>Authentication:CallerCacheDuration</c> and the
/// token's <c>exp</c>, and dropped when the projector writes the user (through the observing view store).
/// </summary>
public sealed class CallerCacheTests(FakeIssuer issuer) : IClassFixture<FakeIssuer>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ICodeReadStore counted = Substitute.For<ICodeReadStore>();
    private AuthHarness harness = null!;

    public Task InitializeAsync() => StartAsync(new Dictionary<string, string?>());

    public Task DisposeAsync() => harness.DisposeAsync().AsTask();

    [Fact]
    public async Task A_second_request_within_the_window_costs_no_look_up()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));

        Assert.Equal(new Authenticated(new Caller(7, false)), await harness.AuthenticateBearerAsync(token));
        harness.Time.Advance(TimeSpan.FromSeconds(29.999));
        Assert.Equal(new Authenticated(new Caller(7, false)), await harness.AuthenticateBearerAsync(token));

        Assert.Equal(1, Lookups());
    }

    [Fact]
    public async Task The_user_is_looked_up_again_once_the_window_has_passed()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));
        await harness.AuthenticateBearerAsync(token);

        harness.Time.Advance(TimeSpan.FromSeconds(30));
        await harness.Store.Views.SaveUserAsync(User(7, isSuperuser: true), None); // not through the projector: only the window ends it

        Assert.Equal(new Authenticated(new Caller(7, true)), await harness.AuthenticateBearerAsync(token));
        Assert.Equal(2, Lookups());
    }

    [Fact]
    public async Task The_user_is_looked_up_again_at_the_tokens_expiry_even_within_the_window()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromSeconds(10));
        await harness.AuthenticateBearerAsync(token);

        harness.Time.Advance(TimeSpan.FromSeconds(10)); // still accepted: within the clock skew
        Assert.Equal(new Authenticated(new Caller(7, false)), await harness.AuthenticateBearerAsync(token));

        Assert.Equal(2, Lookups());
    }

    [Fact]
    public async Task A_projector_write_of_the_user_drops_it_at_once()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));
        await harness.AuthenticateBearerAsync(token);

        await ProjectorViews().SaveUserAsync(User(7, isActive: false), None);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
        Assert.Equal(2, Lookups());
    }

    [Fact]
    public async Task A_projector_delete_of_the_user_drops_it_at_once()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));
        await harness.AuthenticateBearerAsync(token);

        await ProjectorViews().DeleteUserAsync(7, None);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task Another_user_taking_the_subject_drops_it_since_the_subject_is_then_ambiguous()
    {
        await StartAsync(new() { ["Authentication:SubjectMode"] = "user_username" });
        await harness.AddUserAsync(User(7, username: "alice"));
        var token = Token("alice", TimeSpan.FromMinutes(5));
        await harness.AuthenticateBearerAsync(token);

        await ProjectorViews().SaveUserAsync(User(8, username: "alice"), None);

        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task Another_users_write_keeps_the_entry()
    {
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));
        await harness.AuthenticateBearerAsync(token);

        await ProjectorViews().SaveUserAsync(User(8), None);
        await harness.AuthenticateBearerAsync(token);

        Assert.Equal(1, Lookups());
    }

    [Fact]
    public async Task A_look_up_that_raced_a_user_write_is_not_kept()
    {
        await harness.AddUserAsync(User(7));
        var observer = harness.Services.GetServices<IUserViewObserver>().Single();
        counted.FindUserAsync(default, default!, default).ReturnsForAnyArgs(_ =>
        {
            observer.UserSaved(User(7, isActive: false)); // the projector wrote while the stale read was under way
            return User(7);
        });
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));

        await harness.AuthenticateBearerAsync(token);
        await harness.AuthenticateBearerAsync(token);

        Assert.Equal(2, Lookups());
    }

    [Fact]
    public async Task An_unknown_subject_is_not_remembered()
    {
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));
        Assert.Equal(Refused.InvalidToken, await harness.AuthenticateBearerAsync(token));

        await harness.AddUserAsync(User(7));

        Assert.Equal(new Authenticated(new Caller(7, false)), await harness.AuthenticateBearerAsync(token));
    }

    [Fact]
    public async Task A_zero_duration_looks_the_user_up_on_every_request()
    {
        await StartAsync(new() { ["Authentication:CallerCacheDuration"] = "00:00:00" });
        await harness.AddUserAsync(User(7));
        var token = Token("uid-0007", TimeSpan.FromMinutes(5));

        await harness.AuthenticateBearerAsync(token);
        await harness.AuthenticateBearerAsync(token);

        Assert.Equal(2, Lookups());
    }

    private async Task StartAsync(Dictionary<string, string?> extra)
    {
        if (harness is not null)
        {
            await harness.DisposeAsync();
        }

        var settings = AuthHarness.SettingsFor(issuer);
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        counted.ClearSubstitute();
        harness = AuthHarness.Create(settings, services => services.Replace(ServiceDescriptor.Singleton(counted)));
        var store = harness.Store.Codes;
        counted.FindUserAsync(default, default!, default).ReturnsForAnyArgs(call =>
            store.FindUserAsync(call.Arg<SubjectMode>(), call.Arg<string>(), call.Arg<CancellationToken>()));
    }

    /// <summary>The store's views as the composition hands them to the projector.</summary>
    private IViewStore ProjectorViews() =>
        UserObservingViewStore.Wrap(harness.Store.Views, harness.Services.GetServices<IUserViewObserver>());

    private string Token(string subject, TimeSpan lifetime) =>
        Tokens.Mint(harness.Now, Tokens.Rs256(issuer.SigningKey), issuer.Issuer, subject, expiresIn: lifetime);

    private int Lookups() => counted.ReceivedCalls().Count(call => call.GetMethodInfo().Name == nameof(ICodeReadStore.FindUserAsync));
}
