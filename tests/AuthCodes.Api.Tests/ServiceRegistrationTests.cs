using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthCodes.Api.Tests;

/// <summary>What <c>AddAuthorizationCodesServices</c> gives a host: its settings validated, the host's own clock kept.</summary>
public sealed class ServiceRegistrationTests
{
    [Theory]
    [InlineData(null, 1000)]
    [InlineData("1", 1)]
    public void Binds_the_page_size_cap_from_the_api_section(string? configured, int expected)
    {
        using var api = new ApiComposition(configured is null ? null : new Dictionary<string, string?> { ["Api:MaxPageSize"] = configured });

        Assert.Equal(expected, api.Services.GetRequiredService<IOptions<ApiOptions>>().Value.MaxPageSize);
    }

    [Fact]
    public void Refuses_a_page_size_cap_below_one()
    {
        using var api = new ApiComposition(new Dictionary<string, string?> { ["Api:MaxPageSize"] = "0" });

        var error = Assert.Throws<OptionsValidationException>(() => api.Services.GetRequiredService<IOptions<ApiOptions>>().Value);
        Assert.Equal("Api:MaxPageSize must be at least 1.", Assert.Single(error.Failures));
    }

    [Fact]
    public void Keeps_the_hosts_clock_and_serves_one_instance_of_each_handler()
    {
        using var api = new ApiComposition();

        Assert.Same(api.Time, api.Services.GetRequiredService<TimeProvider>());
        Assert.Same(api.Api, api.Services.GetRequiredService<AuthorizationCodesApi>());
        Assert.Same(api.Administration, api.Services.GetRequiredService<EventAdministration>());
        Assert.Same(api.Services.GetRequiredService<ReadModel.AuthorizationCodeQueries>(), api.Services.GetRequiredService<ReadModel.AuthorizationCodeQueries>());
    }
}
