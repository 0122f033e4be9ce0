using System.Net;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AuthCodes.Cli.Tests;

/// <summary>
/// The real local host in-process (Development) over a store the test reads; requests come from
/// loopback unless <paramref name="intakeKey"/> is given, then from nowhere, so the intake wants the key.
/// With <paramref name="clock"/> the host runs on it (give the store the same one); otherwise on the real clock.
/// </summary>
internal sealed class LocalHost(ReadModelStores store, string? acceptedSource = null, string? intakeKey = null, TimeProvider? clock = null) : WebApplicationFactory<Program>
{
    private readonly string keyFolder = Path.Combine(Path.GetTempPath(), "authcodes-publishing-tests", Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("DevelopmentSigningKey:Path", Path.Combine(keyFolder, "key.pem"));
        builder.UseSetting("Authentication:Issuer", "urn:authcodes:local-development");
        builder.UseSetting("Authentication:Audience", "authcodes-local");
        builder.UseSetting("Events:Source", acceptedSource ?? "");
        builder.UseSetting("Intake:Key", intakeKey ?? "");
        builder.ConfigureTestServices(services =>
        {
            services.ReplaceReadModelStores(store);
            if (clock is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(clock);
            }

            if (intakeKey is null)
            {
                services.AddSingleton<IStartupFilter>(new LoopbackClient());
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(keyFolder))
        {
            Directory.Delete(keyFolder, recursive: true);
        }
    }

    /// <summary>TestServer requests have no remote address; the intake is open to loopback in Development.</summary>
    private sealed class LoopbackClient : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
