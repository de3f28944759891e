using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>Case 3, streaming: one LSTM step at batch 1, H = 128 and 512, carrying the state (the per-sample call of a real-time app).</summary>
[BenchmarkCategory("Streaming")]
public class StreamingBenchmarks : InferencePeerBenchmarks
{
    /// <summary>The Streaming cases' IDs (see <see cref="CaseCatalog"/>).</summary>
    public static IEnumerable<string> CaseNames => CaseCatalog.Names("Streaming");

    /// <summary>The case ID.</summary>
    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = "";

    /// <inheritdoc/>
    protected override string CaseName => Case;
}
