using System.Buffers;
using System.Text.Json;
using AuthCodes.Api;
using AuthCodes.Api.Authentication;
using AuthCodes.ReadModel;
using AuthCodes.Testing;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AuthCodes.Benchmarks;

/// <summary>
/// One list request in-process over an embedded store of 1,000 to 100,000 codes, page_size 100: the query use
/// case plus the response writer, and the whole HTTP handler (authentication stub, parsing, query,
/// writing, executing into a <see cref="DefaultHttpContext"/>).
/// </summary>
[MemoryDiagnoser]
public class ListBenchmarks
{
    private readonly ArrayBufferWriter<byte> buffer = new(256 * 1024);
    private AuthorizationCodeQueries queries = null!;
    private AuthorizationCodesApi api = null!;
    private ServiceProvider services = null!;

    /// <summary>Codes in the store; page 1 and the middle page should cost about the same at every size (indexed store).</summary>
    [Params(1_000, 10_000, 100_000)]
    public int Codes { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var store = await BenchmarkData.CreateStoreAsync(Codes);
        services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton(store.Codes)
            .AddSingleton<ICallerAuthenticator>(new SuperuserAuthenticator())
            .AddAuthorizationCodesApi()
            .BuildServiceProvider();
        queries = services.GetRequiredService<AuthorizationCodeQueries>();
        api = services.GetRequiredService<AuthorizationCodesApi>();
    }

    [GlobalCleanup]
    public void Cleanup() => services.Dispose();

    [Benchmark(Baseline = true, Description = "superuser, page 1")]
    public Task<int> SuperuserFirstPage() => ListAsync("page_size=100");

    [Benchmark(Description = "superuser, middle page")]
    public Task<int> SuperuserDeepPage() => ListAsync($"page_size=100&page={Codes / 200}");

    [Benchmark(Description = "superuser, user=42 (1% of codes)")]
    public Task<int> UserFilteredPage() => ListAsync("page_size=100&user=42");

    [Benchmark(Description = "whole handler, page 1")]
    public async Task<long> HandlerFirstPage()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?page_size=100");
        context.Request.Headers.Authorization = "Bearer benchmark";
        context.Response.Body = Stream.Null;
        var response = await api.ListAsync(context.Request, CancellationToken.None);
        await response.ExecuteAsync(context);
        return context.Response.ContentLength ?? 0;
    }

    private async Task<int> ListAsync(string query)
    {
        var values = query.Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        var parsed = ListQuery.Parse(values.GetValueOrDefault, maxPageSize: 1000);
        var outcome = (ListOutcome)await queries.ListAsync(BenchmarkData.Superuser, parsed, CancellationToken.None);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            ResponseWriter.WriteList(writer, outcome.Page, outcome.Codes, outcome.Render);
        }

        return buffer.WrittenCount;
    }

    private sealed class SuperuserAuthenticator : ICallerAuthenticator
    {
        public Task<AuthenticationOutcome> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken) =>
            Task.FromResult<AuthenticationOutcome>(new Authenticated(BenchmarkData.Superuser));
    }
}

/// <summary>The response writer alone: 100 codes, nested groups, client secrets (a superuser's page).</summary>
[MemoryDiagnoser]
public class ResponseWriterBenchmarks
{
    private readonly ArrayBufferWriter<byte> buffer = new(256 * 1024);
    private CodeDocument[] codes = null!;
    private PageEnvelope page;
    private RenderOptions render;

    [GlobalSetup]
    public void Setup()
    {
        var providers = Enumerable.Range(1, BenchmarkData.ProviderCount).Select(pk => Sample.Provider(pk)).ToArray();
        var users = Enumerable.Range(1, BenchmarkData.UserCount).Select(pk => BenchmarkData.User(pk)).ToArray();
        codes = BenchmarkData.Codes(providers, users, 100);
        page = PageEnvelope.For(new PageSelector(1, false), BenchmarkData.CodeCount, 100)!.Value;
        render = new RenderOptions(Sample.Now, IncludeGroups: true, providers.ToDictionary(p => p.Pk, p => $"secret-{p.Pk}"));
    }

    [Benchmark(Description = "write 100 codes")]
    public int WriteList()
    {
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, ResponseWriter.WriterOptions))
        {
            ResponseWriter.WriteList(writer, page, codes, render);
        }

        return buffer.WrittenCount;
    }
}
