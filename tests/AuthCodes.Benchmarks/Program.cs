using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- --filter '*'   (add --job short for a quick run)
// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- store-comparison [--latency 5ms]   (embedded vs Cosmos store, see docs/benchmarks.md)
// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- follow   (the logical-replication feed into the embedded store)
// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- http-load   (the local host over HTTP against the same bytes from memory, with wrk)
if (args.FirstOrDefault() == AuthCodes.Benchmarks.StoreComparison.Name)
{
    return await AuthCodes.Benchmarks.StoreComparison.RunAsync(args[1..], Console.Out);
}

if (args.FirstOrDefault() == AuthCodes.Benchmarks.FollowFreshness.Name)
{
    return await AuthCodes.Benchmarks.FollowFreshness.RunAsync(Console.Out);
}

if (args.FirstOrDefault() == AuthCodes.Benchmarks.HttpLoadCheck.Name)
{
    return await AuthCodes.Benchmarks.HttpLoadCheck.RunAsync(args, Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthCodes.Benchmarks.ListBenchmarks).Assembly).Run(args);
return 0;
