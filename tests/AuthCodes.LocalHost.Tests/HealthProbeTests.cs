using AuthCodes.Api;
using AuthCodes.ReadModel;
using NSubstitute;
using static AuthCodes.Testing.JsonText;

namespace AuthCodes.LocalHost.Tests;

/// <summary>The anonymous health route reuses one store probe for <see cref="AuthorizationCodesApi.HealthProbeLifetime"/>.</summary>
public sealed class HealthProbeTests
{
    private static readonly string Healthy = Q("{'status':'healthy','store_reachable':true,'last_event_applied_at':null}");
    private static readonly string Unhealthy = Q("{'status':'unhealthy','store_reachable':false,'last_event_applied_at':null}");

    [Fact]
    public async Task Two_calls_within_the_lifetime_read_the_store_once_and_a_call_after_it_reads_again()
    {
        var codes = Substitute.For<ICodeReadStore>();
        codes.IsReachableAsync(default).ReturnsForAnyArgs(true);
        using var harness = new ApiHarness(EmbeddedReadModelStore.Create() with { Codes = codes });

        await harness.HealthAsync();
        harness.Time.Advance(AuthorizationCodesApi.HealthProbeLifetime - TimeSpan.FromMilliseconds(1));
        Assert.Equal((Healthy, 200), await harness.HealthAsync());
        await codes.ReceivedWithAnyArgs(1).IsReachableAsync(default);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal((Healthy, 200), await harness.HealthAsync());
        await codes.ReceivedWithAnyArgs(2).IsReachableAsync(default);
    }

    [Fact]
    public async Task An_unreachable_store_is_reported_until_the_next_probe_sees_it_back()
    {
        var codes = Substitute.For<ICodeReadStore>();
        codes.IsReachableAsync(default).ReturnsForAnyArgs(false, true);
        using var harness = new ApiHarness(EmbeddedReadModelStore.Create() with { Codes = codes });

        Assert.Equal((Unhealthy, 503), await harness.HealthAsync());
        Assert.Equal((Unhealthy, 503), await harness.HealthAsync());

        harness.Time.Advance(AuthorizationCodesApi.HealthProbeLifetime);
        Assert.Equal((Healthy, 200), await harness.HealthAsync());
    }
}
