using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace FastLstm.Benchmarks.Cases;

/// <summary>
/// BenchmarkDotNet's configuration for this suite: its defaults, plus one MSBuild argument on every job so the
/// projects BenchmarkDotNet generates and builds under bin/ also mark their copy of libLibTorchSharp.so's
/// GLIBCXX_3.4.32 requirement weak (Build/LibTorchSharpPatch.targets; see perf/README.md). Those projects set
/// ImportDirectoryBuildTargets = false, so the Directory.Build.targets that patches this project's own output never
/// reaches them; CustomAfterMicrosoftCommonTargets is imported by every SDK project whatever that setting says.
/// </summary>
public static class PatchedLibTorchConfig
{
    /// <summary>The default config with the patch step added to every job (a mutator, so <c>--job short</c> etc. keep it).</summary>
    public static IConfig Create()
    {
        string targets = Path.Combine(AppContext.BaseDirectory, "Build", "LibTorchSharpPatch.targets");
        if (!File.Exists(targets))
        {
            return DefaultConfig.Instance;
        }

        Job patch = Job.Default
            .WithArguments([new MsBuildArgument($"/p:CustomAfterMicrosoftCommonTargets={targets}")])
            .AsMutator();
        return DefaultConfig.Instance.AddJob(patch);
    }
}
