using System.CommandLine;
using AuthCodes.Cli.Authentik;
using Azure.Identity;
using Microsoft.Azure.Cosmos;

namespace AuthCodes.Cli;

/// <summary><c>authcodes rebuild</c>: one sync pass from scratch, projected straight into a new container pair.</summary>
public sealed partial class CliApp
{
    private Command RebuildCommand()
    {
        var endpoint = new Option<string>("--cosmos-endpoint") { Description = "The Cosmos DB account endpoint (azd: COSMOS_ACCOUNT_ENDPOINT).", Required = true };
        var key = new SecretOption("--cosmos-key", CosmosKeyVariable, "an emulator's or local server's key; without one: Entra ID (DefaultAzureCredential), and the containers must exist");
        var database = new Option<string>("--database") { Description = "The Cosmos database (Cosmos__Database).", DefaultValueFactory = _ => "authcodes" };
        var suffix = new Option<string>("--suffix") { Description = "The new pair is codes-<suffix> and entities-<suffix> (lowercase letters, digits, '-').", Required = true };
        suffix.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !RebuildSettings.SuffixPattern().IsMatch(name))
            {
                result.AddError($"--suffix '{name}' must be 1 to 32 lowercase letters, digits or '-', not starting with '-'.");
            }
        });
        var grace = Durations.Option("--grace-period", "The app's Events:CodeGracePeriod (how long expired codes stay listed).", TimeSpan.FromHours(1));
        var state = new Option<string?>("--state") { Description = "Where to write the sync state of what was projected (default authcodes-rebuild-<suffix>.state.json); with an existing file, a stopped rebuild goes on." };
        var command = new Command("rebuild", "Project everything authentik holds into a new container pair (codes-<suffix>, entities-<suffix>) while the app keeps serving the current one, then say how to switch to it.")
        {
            authentik, token, source, skew, pageSize, rate, retries, endpoint, key, database, suffix, grace, state,
        };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetRequiredValue(suffix);
            var gracePeriod = parse.GetValue(grace);
            if (AuthentikSetup(parse) is not { } setup)
            {
                return ExitCodes.Usage;
            }

            using var _ = setup;
            var statePath = parse.GetValue(state) ?? $"authcodes-rebuild-{name}.state.json";
            var settings = new RebuildSettings(
                parse.GetRequiredValue(endpoint), key.Read(parse, context.Variables),
                parse.GetRequiredValue(database), name, gracePeriod, setup.Source);
            await using var target = RebuildTarget.Create(settings, context.Time, context.ConfigureCosmosClient);
            try
            {
                await target.PrepareAsync(ct);
                if (!File.Exists(statePath) && !await target.IsEmptyAsync(ct))
                {
                    await context.Error.WriteLineAsync(
                        $"error: {settings.CodesContainer}/{settings.EntitiesContainer} in {settings.Database} already hold items and there is no state file {statePath}: is this the pair the app serves? Rebuild into a new suffix, or pass the state file of the rebuild that stopped.");
                    return ExitCodes.Usage;
                }
            }
            catch (Exception exception) when (exception is InvalidOperationException or CosmosException or HttpRequestException or AuthenticationFailedException)
            {
                await context.Error.WriteLineAsync($"error: the containers {settings.CodesContainer}/{settings.EntitiesContainer} are not ready: {exception.Message}");
                return ExitCodes.StoreFailed;
            }

            var sync = new Sync(setup.Client, setup.Factory, setup.Parser, new ProjectingSink(target.Intake, context.Error), setup.BaseUrl, statePath, setup.Skew, context.Error, context.Time);
            try
            {
                var pass = await sync.RunOnceAsync(ct);
                if (pass.NotSent > 0 || pass.Unmappable > 0)
                {
                    await context.Out.WriteLineAsync(
                        $"rebuild stopped: {pass.Saved} projected, {pass.NotSent} not projected, {pass.Unmappable} item(s) skipped (listed above). Run the same command again to go on.");
                    return ExitCodes.NotAllSent;
                }

                await context.Out.WriteLineAsync(RebuildNextSteps(settings, pass.Saved, statePath, setup.BaseUrl));
                return ExitCodes.Ok;
            }
            catch (AuthentikException exception)
            {
                await context.Error.WriteLineAsync($"error: {exception.Message} Nothing was projected by this run; run the same command again.");
                return ExitCodes.AuthentikFailed;
            }
        });
        return command;
    }

    private static string RebuildNextSteps(RebuildSettings settings, int projected, string statePath, string authentikUrl) => $"""
        rebuild complete: {projected} event(s) projected into {settings.CodesContainer} and {settings.EntitiesContainer} (database {settings.Database}); what was projected is in {statePath}.
        Next (docs/deploy.md, "Rebuilding the read model without downtime"):
          1. Switch the app to the new pair:
               azd env set COSMOS_CONTAINER_SUFFIX {settings.Suffix} && azd env set COSMOS_REBUILD_CONTAINER_SUFFIX '' && azd provision
             (without azd: app settings Cosmos__CodesContainer={settings.CodesContainer} and Cosmos__EntitiesContainer={settings.EntitiesContainer})
          2. Catch up with what changed since this rebuild read authentik (live events meanwhile went to the old pair):
               authcodes sync --authentik {authentikUrl} --state {statePath} --to servicebus --namespace <namespace> --topic <topic>
          3. Check the app, then delete the old pair.
        """;
}
