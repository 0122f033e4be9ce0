using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace AuthCodes.Infra.Tests;

/// <summary>
/// <c>bicep build infra/main.bicep --stdout</c> and <c>bicep lint infra/main.bicep</c>, run once per test run
/// with the Bicep CLI from the <c>Azure.Bicep.CommandLine.linux-x64</c> package, and the compiled ARM template.
/// </summary>
internal sealed class InfraBuild
{
    private static readonly Lazy<InfraBuild> Shared = new(() => new InfraBuild(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string bicep;

    private InfraBuild()
    {
        RepositoryRoot = Metadata("RepositoryRoot");
        bicep = Metadata("BicepExecutable");
        if (!OperatingSystem.IsWindows())
        {
            // NuGet extracts tools/bicep without guaranteeing the execute bit.
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        var main = Path.Combine(RepositoryRoot, "infra", "main.bicep");
        Build = Run(bicep, "build", main, "--stdout");
        Lint = Run(bicep, "lint", main);
        Template = Build.ExitCode == 0 ? (JsonNode.Parse(Build.StandardOutput)?.AsObject() ?? []) : [];
        Resources = ArmResource.All(Template);
    }

    public static InfraBuild Instance => Shared.Value;

    public string RepositoryRoot { get; }

    public CliResult Build { get; }

    public CliResult Lint { get; }

    /// <summary>The compiled main template (subscription scope; modules are nested deployments).</summary>
    public JsonObject Template { get; }

    /// <summary>Every resource of the main template and of every nested deployment, recursively.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    /// <summary>The resources of <paramref name="type"/> the template deploys (references to existing ones left out).</summary>
    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(resource => !resource.IsExisting && string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type) => Assert.Single(OfType(type));

    public string ReadRepositoryFile(params string[] path) => File.ReadAllText(Path.Combine([RepositoryRoot, .. path]));

    /// <summary>
    /// <c>bicep snapshot</c> of main.bicep: what a deployment with these string parameters (plain values, written
    /// into a .bicepparam file unescaped) would create, with modules expanded and every expression evaluated that
    /// does not read a deployed resource. The required parameters get placeholder values unless given.
    /// </summary>
    public DeploymentSnapshot Snapshot(IReadOnlyDictionary<string, string> parameters)
    {
        var directory = Directory.CreateTempSubdirectory("authcodes-infra-");
        try
        {
            var main = Path.GetRelativePath(directory.FullName, Path.Combine(RepositoryRoot, "infra", "main.bicep"));
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["environmentName"] = "test",
                ["location"] = "swedencentral",
                ["authenticationIssuer"] = "https://auth.example.com/application/o/authcodes/",
                ["authenticationAudience"] = "authcodes-api",
                ["eventsSource"] = "https://auth.example.com/",
            };
            foreach (var (name, value) in parameters)
            {
                values[name] = value;
            }

            var file = Path.Combine(directory.FullName, "test.bicepparam");
            File.WriteAllLines(file, [
                $"using '{main}'",
                .. values.Select(pair => $"param {pair.Key} = '{pair.Value}'"),
            ]);
            var result = Run(bicep, "snapshot", file, "--mode", "overwrite", "--subscription-id", "00000000-0000-0000-0000-000000000001",
                "--tenant-id", "00000000-0000-0000-0000-000000000002", "--location", values["location"], "--deployment-name", "main");
            Assert.True(result.ExitCode == 0, $"bicep snapshot failed:\n{result.Diagnostics}");
            var snapshot = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(file, ".snapshot.json")))!.AsObject();
            return new DeploymentSnapshot(
                snapshot["predictedResources"]!.AsArray().Select(resource => resource!.AsObject()).ToList(),
                snapshot["outputs"]!.AsObject());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Metadata(string key) =>
        typeof(InfraBuild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is not set.");

    private static CliResult Run(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Offline: no update checks or telemetry from the CLI.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish within 3 minutes.");
        }

        process.WaitForExit();
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>What <c>bicep snapshot</c> predicts a deployment creates, and the deployment's outputs.</summary>
internal sealed record DeploymentSnapshot(IReadOnlyList<JsonObject> Resources, JsonObject Outputs)
{
    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(resource => string.Equals((string?)resource["type"], type, StringComparison.OrdinalIgnoreCase));
}

internal sealed record CliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Diagnostics => (StandardOutput + StandardError).Trim();
}
