namespace FastLstm.Onnx;

/// <summary>Which optional inputs an exported ONNX model takes besides the sequence itself.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Add the input <c>sequence_lens</c>: INT32 (B), each sequence's length, passed to every recurrent node (outputs past
    /// a length are 0, final states are those after the last valid step, as in FastLstm). Default false: all T steps.
    /// </summary>
    public bool SequenceLengths { get; init; }

    /// <summary>
    /// Add the inputs <c>h0</c> (L·D, B, Hout) and, for an LSTM, <c>c0</c> (L·D, B, H), in FastLstm's (and PyTorch's) layout.
    /// Default false: zero initial states.
    /// </summary>
    public bool InitialStates { get; init; }
}
