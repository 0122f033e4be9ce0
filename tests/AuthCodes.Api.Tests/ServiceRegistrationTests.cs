using AuthCodes.Api.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NSubstitute;

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
    [Fact]
    public void Each_part_brings_the_system_clock_and_what_it_needs_when_the_host_registers_none()
    {
        var stores = ReadModel.EmbeddedReadModelStore.Create();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Authentication:Issuer"] = "https://auth.example.com/o/", ["Authentication:Audience"] = "a" })
            .Build();
        using var api = new ServiceCollection().AddLogging().AddSingleton(stores.Codes).AddSingleton<IConfiguration>(configuration)
            .AddSingleton(Substitute.For<ICallerAuthenticator>()).AddAuthorizationCodesApi().BuildServiceProvider();
        using var authentication = new ServiceCollection().AddLogging().AddSingleton(stores.Codes).AddSingleton<IConfiguration>(configuration)
            .AddBearerAuthentication().BuildServiceProvider();

        Assert.NotNull(api.GetRequiredService<AuthorizationCodesApi>());
        Assert.Same(TimeProvider.System, api.GetRequiredService<TimeProvider>());
        Assert.NotNull(authentication.GetRequiredService<ICallerAuthenticator>());
        Assert.Same(TimeProvider.System, authentication.GetRequiredService<TimeProvider>());
    }
}
