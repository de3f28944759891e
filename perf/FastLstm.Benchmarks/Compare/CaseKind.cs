namespace FastLstm.Benchmarks.Compare;

/// <summary>What one call of a case does.</summary>
public enum CaseKind
{
    /// <summary>A forward pass over a whole sequence, x (T, B, I) → y (T, B, H), h_n (and c_n), inference only.</summary>
    Sequence,

    /// <summary>One streaming step at batch B: x(t) (B, I) and the carried state → h(t), c(t).</summary>
    Streaming,

    /// <summary>One training step: forward, dense head, MSE, backward and Adam.</summary>
    Training,
}
