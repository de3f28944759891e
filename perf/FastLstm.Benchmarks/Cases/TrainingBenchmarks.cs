using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>Case 5, a training step: LSTM, B = 32, T = 50, I = H = 128, dense head + MSE, forward + backward + Adam (no ONNX Runtime: its package does not train).</summary>
[BenchmarkCategory("Training")]
public class TrainingBenchmarks : PeerBenchmarks
{
    /// <summary>The Training cases' IDs (see <see cref="CaseCatalog"/>).</summary>
    public static IEnumerable<string> CaseNames => CaseCatalog.Names("Training");

    /// <summary>The case ID.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <inheritdoc/>
    protected override string CaseName => Case;
}
