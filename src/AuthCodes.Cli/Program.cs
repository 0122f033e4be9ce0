namespace AuthCodes.Cli;

internal static class EntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await new CliApp(new CliContext()).RunAsync(args, cancellation.Token);
    }
}
