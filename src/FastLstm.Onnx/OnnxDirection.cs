namespace FastLstm.Onnx;

/// <summary>The <c>direction</c> attribute of an ONNX LSTM, GRU or RNN node.</summary>
public enum OnnxDirection
{
    /// <summary>"forward": t = 0 … L−1.</summary>
    Forward,

    /// <summary>"reverse": t = L−1 … 0 only; FastLstm runs it as a forward layer over each sequence reversed within its length.</summary>
    Reverse,

    /// <summary>"bidirectional": both, outputs stacked along the direction axis.</summary>
    Bidirectional,
}
