namespace FastLstm.Tests.Reference;

/// <summary>What one cell step keeps for its backward pass. Fields a cell does not use stay null.</summary>
internal sealed class RefStepCache
{
    /// <summary>(in) the step's input x_t.</summary>
    public required double[] X { get; init; }

    /// <summary>(Hout) h_{t-1}.</summary>
    public required double[] HPrev { get; init; }

    /// <summary>(H) c_{t-1}, LSTM only.</summary>
    public double[]? CPrev { get; init; }

    /// <summary>(Hout) h_t, the step's output.</summary>
    public required double[] H { get; init; }

    /// <summary>(H) c_t, LSTM only.</summary>
    public double[]? C { get; init; }

    /// <summary>(G*H) activated gates: RNN h|; LSTM i|f|g|o; GRU r|z|n.</summary>
    public required double[] Gates { get; init; }

    /// <summary>(H) tanh(c_t), LSTM only.</summary>
    public double[]? TanhC { get; init; }

    /// <summary>(H) o * tanh(c_t) before the projection, LSTM only.</summary>
    public double[]? Unprojected { get; init; }

    /// <summary>(H) GRU with linear_before_reset: W_hn h + b_hn, the term r multiplies.</summary>
    public double[]? HiddenN { get; init; }

    /// <summary>(Hout) GRU without linear_before_reset: r * h_{t-1}, the vector W_hn multiplies.</summary>
    public double[]? ResetH { get; init; }
}
