using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>Case 2, DeepBench's inference device shape: LSTM, H = 256, batch 1, T = 150; a whole forward pass per call.</summary>
[BenchmarkCategory("DeepBench")]
public class DeepBenchBenchmarks : InferencePeerBenchmarks
{
    /// <summary>The DeepBench cases' IDs (see <see cref="CaseCatalog"/>).</summary>
    public static IEnumerable<string> CaseNames => CaseCatalog.Names("DeepBench");

    /// <summary>The case ID.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <inheritdoc/>
    protected override string CaseName => Case;
}
