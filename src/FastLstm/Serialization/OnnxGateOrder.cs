namespace FastLstm;

/// <summary>
/// The one place that converts between FastLstm's gate order (PyTorch's, <see cref="GateOrder"/>) and the ONNX
/// recurrent operators' order: LSTM i, o, f, c (ours i, f, g, o); GRU z, r, h (ours r, z, n); RNN a single block.
/// LSTM peepholes: ONNX P holds i, o, f (ours i, f, o).
/// </summary>
/// <remarks>
/// Source: the ONNX operator specification of LSTM, GRU and RNN (onnx/onnx docs/Operators.md: W[iofc], W[zrh],
/// P[iof]). A weight of G gate blocks is G·H rows of <c>columns</c> values each (columns = 1 for a bias), and
/// block j of one order is moved whole to its place in the other.
/// </remarks>
public static class OnnxGateOrder
{
    // ONNX block j holds FastLstm block OnnxToFastLstm[j].
    private static readonly int[] LstmFromOnnx = [GateOrder.LstmInput, GateOrder.LstmOutput, GateOrder.LstmForget, GateOrder.LstmCell];
    private static readonly int[] GruFromOnnx = [GateOrder.GruUpdate, GateOrder.GruReset, GateOrder.GruNew];
    private static readonly int[] RnnFromOnnx = [0];
    private static readonly int[] PeepholeFromOnnxRows = [GateOrder.PeepholeInput, GateOrder.PeepholeOutput, GateOrder.PeepholeForget];

    /// <summary>The FastLstm gate block that ONNX stores as block <paramref name="onnxBlock"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The block index is outside the cell's gate count.</exception>
    public static int FastLstmBlock(CellKind cell, int onnxBlock)
    {
        int[] map = Map(cell);
        ArgumentOutOfRangeException.ThrowIfNegative(onnxBlock);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(onnxBlock, map.Length);
        return map[onnxBlock];
    }

    /// <summary>Reorders a weight or bias from ONNX's gate order to FastLstm's.</summary>
    /// <param name="cell">The cell, which fixes the gate count G and both orders.</param>
    /// <param name="onnx">G·H·columns values, gate blocks in ONNX order.</param>
    /// <param name="fastLstm">G·H·columns values, written in FastLstm order; must not overlap <paramref name="onnx"/>.</param>
    /// <param name="hidden">H, rows per gate block.</param>
    /// <param name="columns">Values per row: the input width of W, the hidden width of R, 1 for a bias.</param>
    /// <exception cref="ArgumentException">A span's length is not G·H·columns.</exception>
    public static void FromOnnx(CellKind cell, ReadOnlySpan<float> onnx, Span<float> fastLstm, int hidden, int columns) =>
        Permute(Map(cell), onnx, fastLstm, hidden * columns, toOnnx: false);

    /// <summary>Reorders a weight or bias from FastLstm's gate order to ONNX's.</summary>
    /// <param name="cell">The cell, which fixes the gate count G and both orders.</param>
    /// <param name="fastLstm">G·H·columns values in FastLstm order.</param>
    /// <param name="onnx">G·H·columns values, written in ONNX order; must not overlap <paramref name="fastLstm"/>.</param>
    /// <param name="hidden">H, rows per gate block.</param>
    /// <param name="columns">Values per row: the input width of W, the hidden width of R, 1 for a bias.</param>
    /// <exception cref="ArgumentException">A span's length is not G·H·columns.</exception>
    public static void ToOnnx(CellKind cell, ReadOnlySpan<float> fastLstm, Span<float> onnx, int hidden, int columns) =>
        Permute(Map(cell), fastLstm, onnx, hidden * columns, toOnnx: true);

    /// <summary>Reorders LSTM peephole weights: ONNX's P (3·H, rows i, o, f) to FastLstm's (3, H) rows i, f, o.</summary>
    /// <exception cref="ArgumentException">A span's length is not 3·H.</exception>
    public static void PeepholeFromOnnx(ReadOnlySpan<float> onnx, Span<float> fastLstm, int hidden) =>
        Permute(PeepholeFromOnnxRows, onnx, fastLstm, hidden, toOnnx: false);

    /// <summary>Reorders LSTM peephole weights: FastLstm's (3, H) rows i, f, o to ONNX's P (3·H, i, o, f).</summary>
    /// <exception cref="ArgumentException">A span's length is not 3·H.</exception>
    public static void PeepholeToOnnx(ReadOnlySpan<float> fastLstm, Span<float> onnx, int hidden) =>
        Permute(PeepholeFromOnnxRows, fastLstm, onnx, hidden, toOnnx: true);

    private static int[] Map(CellKind cell) => cell switch
    {
        CellKind.Lstm => LstmFromOnnx,
        CellKind.Gru => GruFromOnnx,
        CellKind.RnnTanh or CellKind.RnnRelu => RnnFromOnnx,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell kind."),
    };

    private static void Permute(int[] fromOnnx, ReadOnlySpan<float> source, Span<float> destination, int blockLength, bool toOnnx)
    {
        int total = fromOnnx.Length * blockLength;
        if (source.Length != total || destination.Length != total)
        {
            throw new ArgumentException(
                $"Both spans must hold {fromOnnx.Length} gate blocks of {blockLength} values = {total}; got {source.Length} and {destination.Length}.",
                nameof(source));
        }

        for (int onnxBlock = 0; onnxBlock < fromOnnx.Length; onnxBlock++)
        {
            int ours = fromOnnx[onnxBlock];
            int from = toOnnx ? ours : onnxBlock;
            int to = toOnnx ? onnxBlock : ours;
            source.Slice(from * blockLength, blockLength).CopyTo(destination.Slice(to * blockLength, blockLength));
        }
    }
}
