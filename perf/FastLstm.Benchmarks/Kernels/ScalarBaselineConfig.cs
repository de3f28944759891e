using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// Two jobs over the same benchmarks: the engine as it runs (SIMD), and the same engine with every hardware intrinsic
/// disabled (DOTNET_EnableHWIntrinsic=0), which sends each kernel down its scalar reference path: the baseline.
/// Both with few iterations: the scalar job of a whole layer takes seconds per operation.
/// </summary>
public sealed class ScalarBaselineConfig : ManualConfig
{
    public ScalarBaselineConfig()
    {
        Job quick = Job.Default.WithWarmupCount(2).WithIterationCount(7).WithLaunchCount(1);
        AddJob(quick.WithId("Scalar").WithEnvironmentVariable("DOTNET_EnableHWIntrinsic", "0").AsBaseline());
        AddJob(quick.WithId("Simd"));
    }
}
