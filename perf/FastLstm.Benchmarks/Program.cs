using BenchmarkDotNet.Running;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks;

/// <summary>
/// Entry point. <c>--compare</c> runs the quick FastLstm-vs-peers table (Compare/CompareRunner); anything else goes to
/// BenchmarkDotNet's switcher, e.g. <c>--filter *Latency*</c> or <c>--anyCategories Streaming</c> (see perf/README.md).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--compare"))
        {
            return CompareRunner.Run(CompareOptions.Parse(args));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, Cases.PatchedLibTorchConfig.Create());
        return 0;
    }
}
