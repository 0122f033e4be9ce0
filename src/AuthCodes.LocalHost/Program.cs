using AuthCodes.Api;
using AuthCodes.Cosmos;
using AuthCodes.LocalHost;

if (Help.IsAsked(args))
{
    Console.Out.Write(Help.Text);
    return 0;
}

// A developer tool first: Development unless the environment says otherwise. Set as the
// lowest-precedence source (an environment variable), so --environment and test hosts still win,
// and without a launch profile, so `dotnet run -- token` prints the token and nothing else.
if (Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") is null && Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_ENVIRONMENT", Environments.Development);
}

var builder = WebApplication.CreateBuilder(args);
switch (args.FirstOrDefault())
{
    case TokenCommand.Name:
        return TokenCommand.Run(builder, Console.Out, Console.Error);
    case SampleEvents.Name:
        return SampleEvents.Run(builder.Configuration, Console.Out);
}

try
{
    builder.Logging.AddFilter(StartupFailure.HostLogCategory, LogLevel.Critical);
    builder.Services
        .AddAuthorizationCodesServices()
        .AddInProcessFollowerWhenConfigured(builder.Configuration)
        .AddLoopbackTrust()
        // Store=embedded (default) or Store=cosmos (`--store cosmos`; settings in the Cosmos section).
        .AddReadModelStore(builder.Configuration);
    builder.Services.AddOtlpTelemetryWhenConfigured(builder.Configuration);
    if (builder.Environment.IsDevelopment())
    {
        builder.Services.TrustDevelopmentSigningKey(builder.Configuration);
    }

    var app = builder.Build();
    app.MapAuthorizationCodesApi();
    app.MapEventIntake();
    app.WarnWhenAnyEventSourceIsAccepted();
    app.WarnWhenLoopbackIsNotTrusted();
    app.Run();
    return 0;
}
catch (Exception exception) when (StartupFailure.Describe(exception) is { } line)
{
    Console.Error.WriteLine(line);
    return StartupFailure.ExitCode;
}

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
