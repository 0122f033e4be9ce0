using System.Globalization;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace AuthCodes.Api.Tests;

/// <summary>
/// The caller cache's bound (<see cref="CallerCache.Capacity"/>): when it is full, expired callers are
/// swept first, and only if that frees nothing is everything dropped.
/// </summary>
public sealed class CallerCacheCapacityTests
{
    private static readonly DateTimeOffset TokenExpires = Sample.Now.AddHours(1);
    private readonly FakeTimeProvider time = new(Sample.Now);
    private readonly ICodeReadStore store = Substitute.For<ICodeReadStore>();
    private readonly CallerCache cache;

    public CallerCacheCapacityTests()
    {
        store.FindUserAsync(default, default!, default).ReturnsForAnyArgs(call => Sample.User(long.Parse(call.ArgAt<string>(1), CultureInfo.InvariantCulture)));
        cache = new CallerCache(store, time, Options.Create(new BearerAuthenticationOptions { CallerCacheDuration = TimeSpan.FromSeconds(30) }));
    }

    private async Task FindAllAsync(int from, int count)
    {
        for (var pk = from; pk < from + count; pk++)
        {
            await cache.FindUserAsync(pk.ToString(CultureInfo.InvariantCulture), TokenExpires, CancellationToken.None);
        }
    }

    private int LookupsOf(int pk) =>
        store.ReceivedCalls().Count(call => call.GetMethodInfo().Name == nameof(ICodeReadStore.FindUserAsync) && (string)call.GetArguments()[1]! == pk.ToString(CultureInfo.InvariantCulture));

    [Fact]
    public async Task A_full_cache_of_fresh_callers_is_dropped_for_a_new_one()
    {
        await FindAllAsync(1, CallerCache.Capacity);
        await FindAllAsync(1, 1);
        Assert.Equal(1, LookupsOf(1)); // full, but nothing new yet

        await FindAllAsync(CallerCache.Capacity + 1, 1);
        await FindAllAsync(1, 1);

        Assert.Equal(2, LookupsOf(1));
    }

    [Fact]
    public async Task A_full_cache_sweeps_callers_expiring_now_and_keeps_fresh_ones()
    {
        await FindAllAsync(1, CallerCache.Capacity / 2);
        time.Advance(TimeSpan.FromSeconds(15));
        await FindAllAsync(1 + (CallerCache.Capacity / 2), CallerCache.Capacity / 2);
        time.Advance(TimeSpan.FromSeconds(15)); // the first half's window ends exactly now

        await FindAllAsync(CallerCache.Capacity + 1, 1);
        await FindAllAsync(CallerCache.Capacity, 1);

        Assert.Equal(1, LookupsOf(CallerCache.Capacity));
    }
}
