using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

using AuthCodes.Follow;
using Xunit;

namespace AuthCodes.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL 15 cluster (Debian's postgresql-15 binaries): initdb in a temp folder,
/// started on a free loopback port with wal_level=logical, stopped and deleted at the end. As root
/// it runs as the <c>postgres</c> OS user (PostgreSQL refuses root). Every wait is bounded.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private const string FolderPrefix = "authcodes-pg-";
    private const string OwnerFile = "owner";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly string folder = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N"));
    private string bin = "";
    private int databases;

    public int Port { get; private set; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public async Task InitializeAsync()
    {
        bin = FindBinaries();
        await SweepAbandonedAsync();
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "postgres:postgres", folder], asPostgres: false);
        }

        Port = FreePort();
        var data = Path.Combine(folder, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);

        // Transaction ids start in epoch 1, as on a database that has run a while: the 32-bit ids that
        // pgoutput reports then differ from the 64-bit ones SQL shows (the epoch is only a counter).
        await RunAsync(Path.Combine(bin, "pg_resetwal"), ["-e", "1", "-D", data]);
        var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c wal_level=logical "
            + "-c max_replication_slots=40 -c max_wal_senders=40 -c fsync=off -c full_page_writes=off -c max_connections=200";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(folder, "log"), "-w", "-t", "60", "start"]);
    }

    public async Task DisposeAsync()
    {
        if (bin.Length > 0 && Directory.Exists(Path.Combine(folder, "data")))
        {
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(folder, "data"), "-m", "immediate", "-w", "-t", "30", "stop"]);
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A new database with authentik 2024.8.3's tables (the SQL fixture), an install id and the default tenant.</summary>
    public async Task<AuthentikDatabase> CreateAuthentikDatabaseAsync(string avatars = "initials")
    {
        var name = $"authentik{Interlocked.Increment(ref databases)}";
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name}";
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "authentik-2024.8.3.sql"));
        await using (var ddl = new NpgsqlCommand(schema, connection))
        {
            await ddl.ExecuteNonQueryAsync();
        }

        await using var seed = new NpgsqlCommand($"""
            INSERT INTO authentik_install_id (id) VALUES ('{AuthentikRows.InstallId}');
            INSERT INTO authentik_tenants_tenant VALUES ('00000000-0000-4000-8000-0000000000aa', 'public', 'Default', true, @avatars,
                true, true, true, 'days=365', '[]', true, true, 'days=1', 60);
            """, connection);
        seed.Parameters.AddWithValue("avatars", avatars);
        await seed.ExecuteNonQueryAsync();
        return new AuthentikDatabase(name, connectionString);
    }

    /// <summary>
    /// Stops and deletes the clusters of test processes that ended without disposing them (a test host
    /// killed by a timeout, Ctrl+C or a mutation-testing run): each would otherwise run on, holding memory.
    /// A folder whose owner is alive, or not yet written, is left alone.
    /// </summary>
    public static async Task SweepAbandonedAsync()
    {
        foreach (var abandoned in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*").Where(OwnerEnded))
        {
            var data = Path.Combine(abandoned, "data");
            if (File.Exists(Path.Combine(data, "postmaster.pid")))
            {
                try
                {
                    await RunAsync(Path.Combine(FindBinaries(), "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"]);
                }
                catch (InvalidOperationException)
                {
                    // Not running any more: the folder goes all the same.
                }
            }

            try
            {
                Directory.Delete(abandoned, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Another fixture starting at the same moment swept it first.
            }
        }
    }

    private static bool OwnerEnded(string folder)
    {
        var owner = Path.Combine(folder, OwnerFile);
        if (!File.Exists(owner) || !int.TryParse(File.ReadAllText(owner), out var pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static string FindBinaries()
    {
        foreach (var candidate in new[] { PgConfigBinDir(), "/usr/lib/postgresql/15/bin" })
        {
            if (candidate is not null && File.Exists(Path.Combine(candidate, "initdb")) && File.Exists(Path.Combine(candidate, "pg_ctl")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("PostgreSQL 15 binaries (initdb, pg_ctl) not found: apt-get install -y postgresql-15 (Debian), or put pg_config on PATH.");
    }

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, UseShellExecute = false });
            var output = process!.StandardOutput.ReadToEnd().Trim();
            return process.WaitForExit(10_000) && process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres = true)
    {
        var runAs = asPostgres && Environment.UserName == "root";
        var start = new ProcessStartInfo(runAs ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (runAs)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(StartTimeout);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}

/// <summary>One test's authentik database; its slot is named after it (slot names are cluster-wide).</summary>
public sealed record AuthentikDatabase(string Name, string ConnectionString)
{
    public FollowSettings Follow() => new(ConnectionString, Slot: Name) { CreateSlot = true, CreatePublication = true, RetryDelay = TimeSpan.Zero };
}
