using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/AuthCodes.Benchmarks -- --filter '*'   (add --job short for a quick run)
BenchmarkSwitcher.FromAssembly(typeof(AuthCodes.Benchmarks.ListBenchmarks).Assembly).Run(args);
