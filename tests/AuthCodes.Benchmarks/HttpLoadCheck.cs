using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using AuthCodes.Contract;
using AuthCodes.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuthCodes.Benchmarks;

/// <summary>
/// How close the local host comes to the physical limit over real HTTP: the local host (Release,
/// its own process, embedded store) seeded through its event intake with 1,000, 10,000 and 100,000
/// codes, against a minimal Kestrel app in this process that serves the very same response bytes
/// from memory, both driven by <c>wrk</c> (Debian package <c>wrk</c>), alternating, so load from
/// elsewhere hits both alike. Four pages per size: the superuser's first and last, and a plain
/// user's (1% of the codes) first and last. Prints requests per second, median latency and their ratio.
/// <c>dotnet run -c Release --project tests/AuthCodes.Benchmarks -- http-load [--codes 1000,10000,100000] [--seconds 10] [--rounds 3]</c>
/// </summary>
internal static partial class HttpLoadCheck
{
    public const string Name = "http-load";
    private const string ListPath = "/api/v3/oauth2/authorization_codes/";
    private const int PageSize = 100;
    private const int PlainUser = 2;
    private const int Providers = 20;
    private const int Users = 100;
    private const int BatchSize = 1000;
    private static readonly Guid Admins = Guid.Parse("6e1c2b1a-9f0d-4c8e-8d3a-5b7f0e2c4a11");

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var codeCounts = Option(args, "--codes", "1000,10000,100000").Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        var seconds = int.Parse(Option(args, "--seconds", "10"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option(args, "--rounds", "3"), CultureInfo.InvariantCulture);
        if (!Wrk.IsInstalled())
        {
            await output.WriteLineAsync("wrk is not installed: apt-get install wrk");
            return 2;
        }

        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("authcodes-http-load");
        try
        {
            await RunToEndAsync("dotnet", ["build", "-c", "Release", "-v", "q", Path.Combine(root, "src", "AuthCodes.LocalHost", "AuthCodes.LocalHost.csproj")], root);
            var hostDll = Path.Combine(root, "src", "AuthCodes.LocalHost", "bin", "Release", "net10.0", "AuthCodes.LocalHost.dll");
            string[] hostSettings = ["--DevelopmentSigningKey:Path", Path.Combine(work.FullName, "key.pem"), "--Logging:LogLevel:Default", "Warning"];
            var callers = new[]
            {
                new Caller("superuser", await TokenAsync(hostDll, "akadmin", hostSettings), codes => codes),
                new Caller("user", await TokenAsync(hostDll, "user" + PlainUser, hostSettings), codes => codes / Users),
            };

            var hostUrl = $"http://127.0.0.1:{FreePort()}";
            using var host = StartHost(hostDll, ["--urls", hostUrl, .. hostSettings]);
            try
            {
                await MeasureAsync(output, hostUrl, callers, codeCounts, seconds, rounds);
            }
            finally
            {
                host.Kill(entireProcessTree: true);
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task MeasureAsync(TextWriter output, string hostUrl, Caller[] callers, int[] codeCounts, int seconds, int rounds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(hostUrl), Timeout = TimeSpan.FromMinutes(5) };
        await WaitUntilServingAsync(http);
        await SeedEntitiesAsync(http);

        var seeded = 0;
        foreach (var codes in codeCounts)
        {
            await SeedCodesAsync(http, seeded, codes);
            seeded = codes;
            foreach (var caller in callers)
            {
                var lastPage = Math.Max(1, (caller.Visible(codes) + PageSize - 1) / PageSize);
                foreach (var (page, pageName) in new[] { (1, "page-1"), (lastPage, "last-page") })
                {
                    await MeasurePageAsync(output, http, hostUrl, caller, $"{codes}-{caller.Name}-{pageName}", $"{ListPath}?page_size={PageSize}&page={page}", seconds, rounds);
                }
            }
        }
    }

    private static async Task MeasurePageAsync(TextWriter output, HttpClient http, string hostUrl, Caller caller, string name, string pathAndQuery, int seconds, int rounds)
    {
        var body = await ListAsync(http, caller.Token, pathAndQuery);
        await using var reference = await ReferenceServer.StartAsync(body);
        await output.WriteLineAsync($"{name} ({pathAndQuery}): {body.Length} bytes; {rounds} x {seconds} s each, alternating");

        var hostRuns = new List<WrkResult>();
        var referenceRuns = new List<WrkResult>();
        for (var round = 0; round < rounds; round++)
        {
            hostRuns.Add(await Wrk.RunAsync(hostUrl + pathAndQuery, caller.Token, seconds));
            referenceRuns.Add(await Wrk.RunAsync(reference.Url + pathAndQuery, caller.Token, seconds));
        }

        var hostRate = Median(hostRuns.Select(r => r.RequestsPerSecond));
        var referenceRate = Median(referenceRuns.Select(r => r.RequestsPerSecond));
        await output.WriteLineAsync($"figure: http-local-host-{name} {hostRate:F0} req/s");
        await output.WriteLineAsync($"figure: http-same-bytes-from-memory-{name} {referenceRate:F0} req/s");
        await output.WriteLineAsync($"figure: http-ratio-{name} {hostRate / referenceRate:F2} x");
        await output.WriteLineAsync($"figure: http-local-host-median-latency-{name} {Median(hostRuns.Select(r => r.MedianLatencyMs)):F2} ms");
        await output.WriteLineAsync($"figure: http-same-bytes-median-latency-{name} {Median(referenceRuns.Select(r => r.MedianLatencyMs)):F2} ms");
    }

    /// <summary>Who asks: a bearer token and how many of the seeded codes that caller sees.</summary>
    private sealed record Caller(string Name, string Token, Func<int, int> Visible);

    private static async Task<string> TokenAsync(string hostDll, string username, string[] hostSettings) =>
        (await RunToEndAsync("dotnet", [hostDll, "token", "--username", username, .. hostSettings], Path.GetDirectoryName(hostDll)!)).Trim();

    private static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "AuthCodesFunctions.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Run from the repository: AuthCodesFunctions.sln was not found above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Process StartHost(string dll, string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("The local host did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> RunToEndAsync(string file, string[] arguments, string folder)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    private static async Task WaitUntilServingAsync(HttpClient http)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/api/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The local host did not answer /api/health within a minute.");
    }

    /// <summary>A superuser group, <c>akadmin</c> in it, 99 more users and the providers.</summary>
    private static Task SeedEntitiesAsync(HttpClient http)
    {
        var events = new List<string> { Events.Group(Admins, Events.V, "authentik Admins", isSuperuser: true), Events.User(1, Events.V, "akadmin", [Admins]) };
        events.AddRange(Enumerable.Range(2, Users - 1).Select(pk => Events.User(pk, Events.V)));
        events.AddRange(Enumerable.Range(1, Providers).Select(pk => Events.Provider(pk, Events.V)));
        return PostAsync(http, events);
    }

    /// <summary>Codes <paramref name="from"/>+1 to <paramref name="to"/>, unexpired for the run.</summary>
    private static async Task SeedCodesAsync(HttpClient http, int from, int to)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(2);
        for (var start = from + 1; start <= to; start += BatchSize)
        {
            var pks = Enumerable.Range(start, Math.Min(BatchSize, to - start + 1));
            await PostAsync(http, [.. pks.Select(pk => Events.Code(pk, Events.V, 1 + (pk % Providers), 1 + (pk % Users), expires))]);
        }
    }

    private static async Task PostAsync(HttpClient http, List<string> events)
    {
        using var content = new StringContent("[" + string.Join(',', events) + "]", Encoding.UTF8, CloudEventContentTypes.Batch);
        var response = await http.PostAsync(EventIntake.Route, content);
        var answer = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode || !answer.Contains($"\"applied\":{events.Count},", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The intake did not apply the batch ({(int)response.StatusCode}): {answer[..Math.Min(answer.Length, 500)]}");
        }
    }

    private static async Task<byte[]> ListAsync(HttpClient http, string token, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    /// <summary>The physical limit: Kestrel answering the list route with fixed bytes, nothing else.</summary>
    private sealed class ReferenceServer(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<ReferenceServer> StartAsync(byte[] body)
        {
            var url = $"http://127.0.0.1:{FreePort()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            app.MapGet(ListPath, () => Results.Bytes(body, "application/json"));
            await app.StartAsync();
            return new ReferenceServer(app, url);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private readonly record struct WrkResult(double RequestsPerSecond, double MedianLatencyMs);

    /// <summary><c>wrk</c>, one thread and 16 connections (the machine has two cores: one for wrk, one for the server).</summary>
    private static partial class Wrk
    {
        public static bool IsInstalled() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "wrk")));

        public static async Task<WrkResult> RunAsync(string url, string token, int seconds)
        {
            var text = await RunToEndAsync("wrk", ["-t1", "-c16", $"-d{seconds}s", "--latency", "-H", "Authorization: Bearer " + token, url], Environment.CurrentDirectory);
            var rate = RequestsPerSecond().Match(text);
            var median = MedianLatency().Match(text);
            if (!rate.Success || !median.Success || text.Contains("Non-2xx", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Unexpected wrk output:\n" + text);
            }

            return new WrkResult(double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture), Milliseconds(median.Groups[1].Value, median.Groups[2].Value));
        }

        private static double Milliseconds(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
        {
            "us" => 0.001,
            "ms" => 1,
            "s" => 1000,
            _ => throw new InvalidOperationException("Unknown wrk latency unit " + unit),
        };

        [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
        private static partial Regex RequestsPerSecond();

        [GeneratedRegex(@"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline)]
        private static partial Regex MedianLatency();
    }
}
