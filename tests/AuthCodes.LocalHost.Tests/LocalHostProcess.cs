using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace AuthCodes.LocalHost.Tests;

/// <summary>
/// The real local host as a child process (<c>dotnet AuthCodes.LocalHost.dll</c> from this test's
/// output folder, where its appsettings are copied), with none of the caller's ASP.NET Core
/// environment variables, so only the given arguments configure it. Kills it on dispose if still running.
/// </summary>
internal sealed partial class LocalHostProcess : IAsyncDisposable
{
    /// <summary>Generous: a start is about a second; a timeout means the host did not stop (or start) at all.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Text, TaskCompletionSource Seen)> awaitedOutput = [];
    private readonly string keyFolder = Path.Combine(Path.GetTempPath(), "authcodes-tests", Guid.NewGuid().ToString("N"));

    private LocalHostProcess(string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AuthCodes.LocalHost.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Never the project's own development key: one per process, removed on dispose.
        start.ArgumentList.Add("--DevelopmentSigningKey:Path");
        start.ArgumentList.Add(Path.Combine(keyFolder, "key.pem"));
        foreach (var name in start.Environment.Keys.Where(IsHostSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => ReceivedOutput(line.Data);
        process.ErrorDataReceived += (_, line) => Append(error, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output => Read(output);

    public string Error => Read(error);

    /// <summary>Completes once a line on stdout contains <paramref name="text"/> (a signal, not a poll).</summary>
    public Task Printed(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (output)
        {
            if (output.ToString().Contains(text, StringComparison.Ordinal))
            {
                seen.SetResult();
            }
            else
            {
                awaitedOutput.Add((text, seen));
            }
        }

        return seen.Task.WaitAsync(Patience);
    }

    /// <summary>Runs the host to its end: its exit code and everything it wrote.</summary>
    public static async Task<(int Exit, string Out, string Error)> RunAsync(params string[] args)
    {
        await using var host = new LocalHostProcess(args);
        using var timeout = new CancellationTokenSource(Patience);
        await host.process.WaitForExitAsync(timeout.Token);
        return (host.process.ExitCode, host.Output, host.Error);
    }

    /// <summary>Starts the host and returns once it says where it listens.</summary>
    public static async Task<(LocalHostProcess Host, Uri Address)> StartAsync(params string[] args)
    {
        var host = new LocalHostProcess(args);
        var exited = host.process.WaitForExitAsync();
        var first = await Task.WhenAny(host.listening.Task, exited).WaitAsync(Patience);
        return first == exited
            ? throw new InvalidOperationException($"The local host exited with {host.process.ExitCode}: {host.Error}")
            : (host, await host.listening.Task);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        if (Directory.Exists(keyFolder))
        {
            Directory.Delete(keyFolder, recursive: true);
        }
    }

    /// <summary>Variables that would configure the host: the environment name, addresses, any <c>Section__Key</c>.</summary>
    private static bool IsHostSetting(string name) =>
        name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)
        || name.Equals("DOTNET_URLS", StringComparison.OrdinalIgnoreCase)
        || (name.Contains("__", StringComparison.Ordinal) && !name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase));

    private void ReceivedOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
            foreach (var (text, seen) in awaitedOutput.Where(awaited => line.Contains(awaited.Text, StringComparison.Ordinal)))
            {
                seen.TrySetResult();
            }
        }

        // Kestrel's "Now listening on: http://0.0.0.0:41234" names the port it picked for :0.
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri($"http://127.0.0.1:{match.Groups["port"].Value}/"));
        }
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.Append(line).Append('\n');
            }
        }
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    [GeneratedRegex(@"Now listening on: http://[^ ]*:(?<port>\d+)$")]
    private static partial Regex ListeningLine();
}
