using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>Case 1, latency: batch 1, T = 100, I = H, LSTM at H = 32, 128, 512, GRU and RNN at H = 128; a whole forward pass per call.</summary>
[BenchmarkCategory("Latency")]
public class LatencyBenchmarks : InferencePeerBenchmarks
{
    /// <summary>The Latency cases' IDs (see <see cref="CaseCatalog"/>).</summary>
    public static IEnumerable<string> CaseNames => CaseCatalog.Names("Latency");

    /// <summary>The case ID.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <inheritdoc/>
    protected override string CaseName => Case;
}
