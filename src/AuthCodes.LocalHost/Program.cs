using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.LocalHost;

// A developer tool first: Development unless the environment says otherwise (no launch profile,
// so `dotnet run -- token` prints the token and nothing else).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
        ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
        ?? Environments.Development,
});
if (args.FirstOrDefault() == TokenCommand.Name)
{
    return TokenCommand.Run(builder, Console.Out, Console.Error);
}

builder.Services.AddAuthorizationCodesApi().AddEmbeddedReadModelStore().AddBearerAuthentication();
if (builder.Environment.IsDevelopment())
{
    builder.Services.TrustDevelopmentSigningKey(builder.Configuration);
}

var app = builder.Build();
app.MapAuthorizationCodesApi();
app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
