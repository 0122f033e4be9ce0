using System.Diagnostics;
using System.Globalization;

namespace AuthCodes.Follow.Tests;

/// <summary>A test host killed before it disposed its cluster leaves the cluster running; the next one to start sweeps it.</summary>
public sealed class PostgresClusterTests
{
    [Fact]
    public async Task A_cluster_folder_whose_test_process_ended_is_swept_and_the_others_are_kept()
    {
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        var ended = OwnedFolder(exited.Id);
        var alive = OwnedFolder(Environment.ProcessId);
        var unowned = OwnedFolder(null);
        try
        {
            await PostgresCluster.SweepAbandonedAsync();

            Assert.False(Directory.Exists(ended));
            Assert.True(Directory.Exists(alive));
            Assert.True(Directory.Exists(unowned));
        }
        finally
        {
            Directory.Delete(alive, recursive: true);
            Directory.Delete(unowned, recursive: true);
        }
    }

    private static string OwnedFolder(int? owner)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "authcodes-pg-" + Guid.NewGuid().ToString("N"))).FullName;
        if (owner is { } pid)
        {
            File.WriteAllText(Path.Combine(folder, "owner"), pid.ToString(CultureInfo.InvariantCulture));
        }

        return folder;
    }
}
