namespace FastLstm.Kernels;

/// <summary>
/// One instruction set's kernels for <see cref="ReducedMatrixMultiply"/>: a block of up to <see cref="MaxRows"/> rows of A
/// times up to <see cref="MaxPanels"/> consecutive panels of one group of a <see cref="ReducedMatrix"/>, over all of K.
/// </summary>
internal unsafe interface IReducedKernel
{
    /// <summary>Rows of A per call: each decoded weight vector feeds this many accumulator chains.</summary>
    static abstract int MaxRows { get; }

    /// <summary>Panels per call (even): what fits in registers as accumulators next to the decoded weights.</summary>
    static abstract int MaxPanels { get; }

    /// <summary>
    /// 16-bit forms: c(r, j) += Σₖ a(r, k)·w(k, j) for r &lt; <paramref name="rows"/>, the <paramref name="panels"/>
    /// (2 or 4, whole pairs) panels starting at <paramref name="b"/> (lanes, <paramref name="stride"/> apart per k),
    /// writing only columns <paramref name="columnStart"/> ≤ j &lt; <paramref name="columnEnd"/> of the block.
    /// </summary>
    static abstract void Pairs<TDecoder>(
        int rows, int panels, float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
        where TDecoder : struct, IPairDecoder;

    /// <summary>
    /// int8: c(r, j) = fma(s(j), Σₖ a(r, k)·q(k, j), c(r, j)) for r &lt; <paramref name="rows"/>, the
    /// <paramref name="panels"/> (1 … <see cref="MaxPanels"/>) panels starting at <paramref name="b"/> (bytes,
    /// <paramref name="stride"/> apart per k), writing only columns j &lt; <paramref name="columnEnd"/> of the block.
    /// </summary>
    static abstract void Bytes(
        int rows, int panels, float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd);
}
