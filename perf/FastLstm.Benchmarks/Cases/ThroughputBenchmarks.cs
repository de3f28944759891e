using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>Case 4, throughput: LSTM, batch 32 and 64, T = 100, H = 128 and 512; a whole forward pass per call.</summary>
[BenchmarkCategory("Throughput")]
public class ThroughputBenchmarks : InferencePeerBenchmarks
{
    /// <summary>The Throughput cases' IDs (see <see cref="CaseCatalog"/>).</summary>
    public static IEnumerable<string> CaseNames => CaseCatalog.Names("Throughput");

    /// <summary>The case ID.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <inheritdoc/>
    protected override string CaseName => Case;
}
