using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuthCodes.ReadModel.Tests;

/// <summary>What a host gets from the read model's service registrations.</summary>
public sealed class ReadModelRegistrationTests
{
    [Fact]
    public void The_embedded_store_is_one_instance_behind_all_four_ports()
    {
        using var provider = new ServiceCollection().AddEmbeddedReadModelStore().BuildServiceProvider();

        var stores = provider.GetRequiredService<ReadModelStores>();

        Assert.Same(stores.Codes, provider.GetRequiredService<ICodeReadStore>());
        Assert.Same(stores.Snapshots, provider.GetRequiredService<ISnapshotStore>());
        Assert.Same(stores.Views, provider.GetRequiredService<IViewStore>());
        Assert.Same(stores.RejectedEvents, provider.GetRequiredService<IRejectedEventStore>());
    }

    [Theory]
    [InlineData(null, "01:00:00")] // unset: the default
    [InlineData("00:00:00", "00:00:00")]
    [InlineData("2.00:00:00", "2.00:00:00")]
    public void The_code_grace_period_is_bound_from_the_events_section(string? configured, string expected)
    {
        using var provider = Retention(configured);

        Assert.Equal(TimeSpan.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), provider.GetRequiredService<IOptions<CodeRetentionOptions>>().Value.CodeGracePeriod);
    }

    [Fact]
    public void A_negative_code_grace_period_is_refused()
    {
        using var provider = Retention("-00:00:01");

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CodeRetentionOptions>>().Value);

        Assert.Equal("Events:CodeGracePeriod must not be negative.", error.Message);
    }

    [Fact]
    public void A_second_registration_adds_nothing()
    {
        var services = new ServiceCollection().AddCodeRetention().AddCodeRetention();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IValidateOptions<CodeRetentionOptions>));
    }

    private static ServiceProvider Retention(string? gracePeriod)
    {
        var settings = gracePeriod is null ? [] : new Dictionary<string, string?> { ["Events:CodeGracePeriod"] = gracePeriod };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddCodeRetention().BuildServiceProvider();
    }
}
