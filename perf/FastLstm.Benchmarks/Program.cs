using BenchmarkDotNet.Running;

namespace FastLstm.Benchmarks;

/// <summary>BenchmarkDotNet entry point: pick benchmarks with --filter, e.g. <c>--filter *LayerBenchmarks*</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
