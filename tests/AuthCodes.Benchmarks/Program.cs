using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- --filter '*'   (add --job short for a quick run)
// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- store-comparison   (embedded vs Cosmos store, see docs/benchmarks.md)
if (args.FirstOrDefault() == AuthCodes.Benchmarks.StoreComparison.Name)
{
    return await AuthCodes.Benchmarks.StoreComparison.RunAsync(Console.Out);
}

BenchmarkSwitcher.FromAssembly(typeof(AuthCodes.Benchmarks.ListBenchmarks).Assembly).Run(args);
return 0;
