using System.CommandLine;
using AuthCodes.Follow;
using AuthCodes.Publishing;
using Npgsql;

namespace AuthCodes.Cli;

/// <summary><c>authcodes follow</c>: authentik's PostgreSQL by logical replication, to Service Bus or a local host's intake.</summary>
public sealed partial class CliApp
{
    public const string PostgresVariable = "AUTHCODES_PG";

    private Command FollowCommand()
    {
        var postgres = new Option<string?>("--postgres")
        {
            Description = $"An Npgsql connection string to authentik's database (better: {PostgresVariable}); what it leaves out comes from the PG* environment variables (PGHOST, PGUSER, PGPASSWORD, PGPASSFILE, ...).",
        };
        var slot = new Option<string>("--slot") { Description = "The replication slot: where a restart resumes.", DefaultValueFactory = _ => FollowSettings.DefaultSlot };
        var publication = new Option<string>("--publication") { Description = "The publication over authentik's tables.", DefaultValueFactory = _ => FollowSettings.DefaultPublication };
        var createSlot = new Option<bool>("--create-slot") { Description = "Create the slot if it does not exist, and first send the current state from its snapshot (the first run)." };
        var createPublication = new Option<bool>("--create-publication") { Description = "Create or complete the publication and set REPLICA IDENTITY FULL on the link tables (needs the tables' owner)." };
        var command = new Command("follow", "Follow authentik's PostgreSQL by logical replication (pgoutput) and send one event per changed entity per commit, versioned by the commit LSN, until stopped. The slot advances only past what the destination took; a restart resumes there. See docs/follow.md.")
        {
            postgres, slot, publication, createSlot, createPublication, source, to, @namespace, connectionString, topic, intakeKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(source) is not { Length: > 0 } eventSource)
            {
                await context.Error.WriteLineAsync("error: follow needs --source: the read model's Events:Source, e.g. https://auth.example.com/.");
                return ExitCodes.Usage;
            }

            var database = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable(PostgresVariable) ?? "";
            if (!NamesADatabaseHost(database))
            {
                await context.Error.WriteLineAsync($"error: say where authentik's database is: --postgres or {PostgresVariable} (an Npgsql connection string), or PGHOST.");
                return ExitCodes.Usage;
            }

            if (SinkFrom(parse, allowOut: false) is not { } settings || CreateSink(settings) is not { } sink)
            {
                return ExitCodes.Usage;
            }

            var follow = new FollowSettings(database, parse.GetRequiredValue(slot), parse.GetRequiredValue(publication))
            {
                CreateSlot = parse.GetValue(createSlot),
                CreatePublication = parse.GetValue(createPublication),
            };
            var follower = new Follower(follow, new ChangeEventFactory(eventSource), sink, line => context.Error.WriteLine(line));
            try
            {
                await follower.RunAsync(ct);
                return ExitCodes.Ok;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync($"stopped; the destination took everything up to LSN {follower.Acknowledged}, and the slot resumes there.");
                return ExitCodes.Ok;
            }
            catch (Exception exception) when (exception is FollowSetupException or NpgsqlException)
            {
                await context.Error.WriteLineAsync($"error: {PublishResult.OneLine(exception)}");
                return ExitCodes.AuthentikFailed;
            }
            finally
            {
                await DisposeSinkAsync(sink);
            }
        });
        return command;
    }

    /// <summary>A connection string Npgsql reads that names a host, itself or through PGHOST.</summary>
    private static bool NamesADatabaseHost(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).Host is { Length: > 0 } || Environment.GetEnvironmentVariable("PGHOST") is { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
