using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// Two jobs over the same benchmarks: the engine as it runs (SIMD), and the same engine with every hardware intrinsic
/// disabled (DOTNET_EnableHWIntrinsic=0), which sends each kernel down its scalar reference path: the baseline.
/// </summary>
public sealed class ScalarBaselineConfig : ManualConfig
{
    public ScalarBaselineConfig()
    {
        AddJob(Job.Default.WithId("Scalar").WithEnvironmentVariable("DOTNET_EnableHWIntrinsic", "0").AsBaseline());
        AddJob(Job.Default.WithId("Simd"));
    }
}
