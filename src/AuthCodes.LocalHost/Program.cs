using AuthCodes.Api;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuthorizationCodesApi().AddEmbeddedReadModelStore();

var app = builder.Build();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
