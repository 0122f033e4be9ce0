using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using AuthCodes.Cosmos;
using Microsoft.Azure.Cosmos;
using Xunit;

namespace AuthCodes.Testing.Cosmos;

/// <summary>
/// The Cosmos endpoint the tests run against: <c>COSMOS_ENDPOINT</c> (+ <c>COSMOS_KEY</c>) when set
/// (the real emulator or an Azure account), otherwise the pinned npm <c>@vercel/cosmosdb-server</c>
/// started here by <c>cosmos-server/serve.js</c> on a random free loopback port over plain HTTP with
/// keep-alive (<c>npm ci</c> first when its node_modules is missing), and killed on dispose. Every wait is bounded.
/// </summary>
public sealed class LocalCosmosServer : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? server;
    private readonly StringBuilder output = new();

    public string Endpoint { get; private set; } = "";

    public string Key { get; private set; } = CosmosStoreOptions.EmulatorKey;

    /// <summary>True when the tests run against the local protocol server (which needs the test-only query-plan handler).</summary>
    public bool IsLocalServer { get; private set; }

    public CosmosClient Client { get; private set; } = null!;

    /// <summary>The local server's process (null against <c>COSMOS_ENDPOINT</c>): load scripts read its CPU time.</summary>
    public int? ProcessId => server?.Id;

    public CosmosStoreOptions Options(string database, string suffix) => new()
    {
        AccountEndpoint = Endpoint,
        AccountKey = Key,
        Database = database,
        CodesContainer = "codes-" + suffix,
        EntitiesContainer = "entities-" + suffix,
        CreateIfMissing = true,
        GatewayOnly = true,
        DeclareReversedCompositeIndexes = IsLocalServer,
        PageBoundaryCacheLifetime = TimeSpan.FromSeconds(15),
    };

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("COSMOS_ENDPOINT");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            Endpoint = configured;
            Key = Environment.GetEnvironmentVariable("COSMOS_KEY") is { Length: > 0 } key ? key : CosmosStoreOptions.EmulatorKey;
        }
        else
        {
            IsLocalServer = true;
            await StartLocalServerAsync();
        }

        Client = CosmosServiceCollectionExtensions.CreateClient(Options("unused", "unused"), ConfigureClient);
    }

    /// <summary>Adds the query-plan handler against the local server only.</summary>
    public void ConfigureClient(CosmosClientOptions options)
    {
        if (IsLocalServer)
        {
            options.CustomHandlers.Add(new QueryPlanHandler());
            options.RequestTimeout = TimeSpan.FromSeconds(30);
        }
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    public Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(5000);
        }

        server?.Dispose();
        server = null;
        return Task.CompletedTask;
    }

    private async Task StartLocalServerAsync()
    {
        var folder = typeof(LocalCosmosServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CosmosServerFolder").Value!;
        var package = Path.Combine(folder, "node_modules", "@vercel", "cosmosdb-server", "lib", "index.js");
        if (!File.Exists(package))
        {
            using var installing = await LockInstallAsync(folder);
            if (!File.Exists(package))
            {
                await RunAsync("npm", "ci --no-audit --no-fund", folder, NpmTimeout);
            }
        }

        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // serve.js: the package's server over plain HTTP with connections kept open between requests (its cli.js closes each one).
        foreach (var argument in new[] { "serve.js", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to accept", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        server.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The local Cosmos server exited: " + Output()));
        server.EnableRaisingEvents = true;
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (TimeoutException e)
        {
            throw new InvalidOperationException("The local Cosmos server did not start in time: " + Output(), e);
        }

        Endpoint = $"http://127.0.0.1:{port}/";
    }

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    /// <summary>
    /// Several test assemblies start servers at once; on a clean machine only one of them may run <c>npm ci</c>.
    /// The lock is a file held by another process, which offers no signal when released: this polls,
    /// in real time because it waits for another process's real work, bounded by the npm timeout.
    /// </summary>
    private static async Task<FileStream> LockInstallAsync(string folder)
    {
        using var bound = new CancellationTokenSource(NpmTimeout);
        while (true)
        {
            try
            {
                return new FileStream(Path.Combine(folder, ".install.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!bound.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string folder, TimeSpan timeout)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {await stdout}{await stderr}");
        }
    }
}
