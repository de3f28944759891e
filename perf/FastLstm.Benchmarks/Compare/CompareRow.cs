namespace FastLstm.Benchmarks.Compare;

/// <summary>One row of perf/results/compare.json: one implementation of one case at one thread setting.</summary>
/// <param name="Case">The case ID, e.g. lstm_b1_t100_h128.</param>
/// <param name="Category">Latency, DeepBench, Streaming, Throughput or Training.</param>
/// <param name="Implementation">fastlstm, onnxruntime or libtorch.</param>
/// <param name="Threads">The thread setting of the run (what the peers were told).</param>
/// <param name="ThreadsUsed">Threads the implementation actually used (FastLstm: 1 until it has a threading option).</param>
/// <param name="Status">ok; mismatch (output differed by more than the tolerance: not timed); unavailable (failed to load or build).</param>
/// <param name="Detail">Why, when the status is not ok.</param>
/// <param name="Timing">The timing, when the status is ok.</param>
/// <param name="MaxAbsDiff">Largest |peer − FastLstm| over the checked outputs (null for FastLstm itself).</param>
/// <param name="Flops">FLOPs of one call (matrix products).</param>
/// <param name="BoundMs">The case's bound on this machine at this thread setting (see CaseDefinition.BoundMilliseconds).</param>
/// <param name="BoundKind">fma (compute-bound) or bandwidth (batch-1 weight reads).</param>
public sealed record CompareRow(
    string Case,
    string Category,
    string Implementation,
    int Threads,
    int ThreadsUsed,
    string Status,
    string? Detail,
    Measurement? Timing,
    double? MaxAbsDiff,
    double Flops,
    double BoundMs,
    string BoundKind)
{
    /// <summary>Achieved GFLOP/s at the median time.</summary>
    public double? Gflops => Timing is null ? null : Flops / (Timing.MedianMs * 1e6);

    /// <summary>Bound time over median time: 1 would be running at the machine's limit.</summary>
    public double? BoundFraction => Timing is null ? null : BoundMs / Timing.MedianMs;
}
