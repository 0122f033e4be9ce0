using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AuthCodes.ReadModel;

public static class ReadModelServiceCollectionExtensions
{
    /// <summary>The in-process store (local default and tests): one instance behind all four ports.</summary>
    public static IServiceCollection AddEmbeddedReadModelStore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => EmbeddedReadModelStore.Create(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Codes);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Snapshots);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().Views);
        services.TryAddSingleton(sp => sp.GetRequiredService<ReadModelStores>().RejectedEvents);
        return services;
    }

    /// <summary>
    /// Binds <see cref="CodeRetentionOptions"/> from <c>Events:CodeGracePeriod</c> and validates it at
    /// start-up; the projection and the Cosmos DB store both ask for it, so a second call adds nothing.
    /// </summary>
    public static IServiceCollection AddCodeRetention(this IServiceCollection services)
    {
        if (services.Any(descriptor => descriptor.ServiceType == typeof(IValidateOptions<CodeRetentionOptions>)))
        {
            return services;
        }

        services.AddOptions<CodeRetentionOptions>()
            .BindConfiguration(CodeRetentionOptions.SectionName)
            .Validate(o => o.CodeGracePeriod >= TimeSpan.Zero, "Events:CodeGracePeriod must not be negative.")
            .ValidateOnStart();
        return services;
    }
}
