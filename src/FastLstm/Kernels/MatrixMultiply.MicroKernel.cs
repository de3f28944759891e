using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

internal static unsafe partial class MatrixMultiply
{
    /// <summary>
    /// One instruction set's register-blocked kernels. <see cref="Block"/>: C[rows × cols] += Σ over kLen of
    /// a(r, k)·B(k, 0…15) for one 16-column panel; <see cref="Gemv4"/>: the same for one row over 4 panels.
    /// a(r, k) = a[r·aRow + k·aCol]; panel row k is 16 floats at b + k·ldb; C rows are ldc apart; only the first
    /// <c>cols</c> (≤ 16) columns of C are read or written.
    /// </summary>
    internal interface IMicroKernel<TSelf>
        where TSelf : struct, IMicroKernel<TSelf>
    {
        /// <summary>MR: rows of C one full <see cref="Block"/> call computes.</summary>
        static abstract int Rows { get; }

        /// <summary>rows (1 … <see cref="Rows"/>) × one panel.</summary>
        static abstract void Block(int rows, float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc, int cols);

        /// <summary>One row × 4 panels b0 … b3 (sharing the stride <paramref name="ldb"/>); C's columns are contiguous,
        /// <paramref name="cols"/> ≥ 49 of them from <paramref name="c"/> on (panel q covers 16q … 16q + 15).</summary>
        static abstract void Gemv4(float* a, nint aCol, float* b0, float* b1, float* b2, float* b3, nint ldb, int kLen, float* c, int cols);

        /// <summary>Whether <see cref="Gemv8"/> is a kernel of its own, so the matrix-vector path should hand it two
        /// 4-panel groups at once.</summary>
        static virtual bool PairsGroups => false;

        /// <summary>One row × 8 panels: two groups of 4 panels 16 floats apart, from <paramref name="b0"/> and
        /// <paramref name="b1"/> (same stride <paramref name="ldb"/>), into C's 64 columns from <paramref name="c0"/> and
        /// <paramref name="cols1"/> ≥ 49 columns from <paramref name="c1"/> (the next 64, or another gate's). Each element
        /// gets the same operations as from <see cref="Gemv4"/>.</summary>
        static virtual void Gemv8(float* a, nint aCol, float* b0, float* b1, nint ldb, int kLen, float* c0, float* c1, int cols1)
        {
            // The default for kernels with too few registers for 8 accumulators; the driver calls it only when PairsGroups is set.
            TSelf.Gemv4(a, aCol, b0, b0 + PanelWidth, b0 + (2 * PanelWidth), b0 + (3 * PanelWidth), ldb, kLen, c0, 4 * PanelWidth);
            TSelf.Gemv4(a, aCol, b1, b1 + PanelWidth, b1 + (2 * PanelWidth), b1 + (3 * PanelWidth), ldb, kLen, c1, cols1);
        }

        /// <summary>Whether <see cref="BlockPair"/> is a kernel of its own (more accumulators per broadcast of a), so the
        /// driver should hand it two adjacent full panels at once.</summary>
        static virtual bool PairsPanels => false;

        /// <summary>rows (1 … <see cref="Rows"/>) × two adjacent full panels: columns 0 … 15 from b, 16 … 31 from b + 16
        /// (same stride <paramref name="ldb"/>), into C's 32 columns from <paramref name="c"/>. Each element gets the same
        /// operations as from <see cref="Block"/>, so pairing never changes a result.</summary>
        static virtual void BlockPair(int rows, float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc)
        {
            // The default for kernels that gain nothing from pairing; the driver calls it only when PairsPanels is set.
            TSelf.Block(rows, a, aRow, aCol, b, ldb, kLen, c, ldc, PanelWidth);
            TSelf.Block(rows, a, aRow, aCol, b + PanelWidth, ldb, kLen, c + PanelWidth, ldc, PanelWidth);
        }
    }

    /// <summary>c[0 … cols) += lanes[0 … cols): the write-back of a ragged panel, which never touches C past its last column.</summary>
    private static void AddRagged(float* c, int cols, float* lanes)
    {
        for (int j = 0; j < cols; j++)
        {
            c[j] += lanes[j];
        }
    }

    /// <summary>
    /// Asks for the C rows a kernel adds to at its end, so that their first touch (a fresh gate row from memory)
    /// overlaps the K loop instead of stalling the write-back. A hint only: x86 without SSE, or Arm, skip it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchRows(float* c, nint ldc, int rows)
    {
        if (Sse.IsSupported)
        {
            for (int r = 0; r < rows; r++)
            {
                Sse.Prefetch0(c + (r * ldc));
                Sse.Prefetch0(c + (r * ldc) + PanelWidth - 1);
            }
        }
    }
}
