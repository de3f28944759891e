using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

internal static unsafe partial class MatrixMultiply
{
    /// <summary>
    /// AVX-512 micro-kernel: 8 rows × 16 columns, one Vector512 accumulator per row (8 independent FMA chains,
    /// enough to cover a 4-cycle FMA latency at 2 FMAs per cycle). Per k: one load of the panel row, 8 broadcasts
    /// of a(r, k), 8 FMAs. Register use: 8 accumulators + 1 panel row + 1 broadcast of the 32 zmm registers.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Kernel512 : IMicroKernel<Kernel512>
    {
        public static int Rows => 8;

        public static void Block(int rows, float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc, int cols)
        {
            switch (rows)
            {
                case 8: Kernel<Rows8>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 7: Kernel<Rows7>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 6: Kernel<Rows6>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 5: Kernel<Rows5>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 4: Kernel<Rows4>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 3: Kernel<Rows3>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                case 2: Kernel<Rows2>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
                default: Kernel<Rows1>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols); break;
            }
        }

        public static void Gemv4(float* a, nint aCol, float* b0, float* b1, float* b2, float* b3, nint ldb, int kLen, float* c, int cols)
        {
            // Lanes: acc q holds columns 16q … 16q + 15 of the row; 4 chains, each fed by its own panel stream.
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            nint ak = 0;
            nint kb = 0;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector512<float> x = Vector512.Create(a[ak]);
                acc0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kb), acc0);
                acc1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + kb), acc1);
                acc2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b2 + kb), acc2);
                acc3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b3 + kb), acc3);
                ak += aCol;
                kb += ldb;
            }

            AddTo(c, acc0);
            AddTo(c + PanelWidth, acc1);
            AddTo(c + (2 * PanelWidth), acc2);
            if (cols >= 4 * PanelWidth)
            {
                AddTo(c + (3 * PanelWidth), acc3);
            }
            else
            {
                float* lanes = stackalloc float[PanelWidth];
                acc3.Store(lanes);
                AddRagged(c + (3 * PanelWidth), cols - (3 * PanelWidth), lanes);
            }
        }

        public static bool PairsGroups => true;

        public static void Gemv8(float* a, nint aCol, float* b0, float* b1, nint ldb, int kLen, float* c0, float* c1, int cols1)
        {
            // 8 chains, two streams: twice Gemv4's loads in flight per broadcast, which is what keeps an L2-resident W_hh
            // streaming (2.3 against 2.4 µs per 256 KB in a probe).
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
            Vector512<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
            nint ak = 0;
            nint kb = 0;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector512<float> x = Vector512.Create(a[ak]);
                acc0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kb), acc0);
                acc1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kb + PanelWidth), acc1);
                acc2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kb + (2 * PanelWidth)), acc2);
                acc3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b0 + kb + (3 * PanelWidth)), acc3);
                acc4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + kb), acc4);
                acc5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + kb + PanelWidth), acc5);
                acc6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + kb + (2 * PanelWidth)), acc6);
                acc7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b1 + kb + (3 * PanelWidth)), acc7);
                ak += aCol;
                kb += ldb;
            }

            AddTo(c0, acc0);
            AddTo(c0 + PanelWidth, acc1);
            AddTo(c0 + (2 * PanelWidth), acc2);
            AddTo(c0 + (3 * PanelWidth), acc3);
            AddTo(c1, acc4);
            AddTo(c1 + PanelWidth, acc5);
            AddTo(c1 + (2 * PanelWidth), acc6);
            if (cols1 >= 4 * PanelWidth)
            {
                AddTo(c1 + (3 * PanelWidth), acc7);
            }
            else
            {
                float* lanes = stackalloc float[PanelWidth];
                acc7.Store(lanes);
                AddRagged(c1 + (3 * PanelWidth), cols1 - (3 * PanelWidth), lanes);
            }
        }

        private static void Kernel<TRows>(float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc, int cols)
            where TRows : struct, IRowCount
        {
            int rows = TRows.Value;
            PrefetchRows(c, ldc, rows);
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector512<float> bv = Vector512.Load(b);

                // Row r's a(r, k) is at a + r·aRow; walking r by adds keeps the loop to a handful of registers.
                float* ar = a;
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c0);
                if (rows > 1) { ar += aRow; c1 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c1); }
                if (rows > 2) { ar += aRow; c2 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c2); }
                if (rows > 3) { ar += aRow; c3 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c3); }
                if (rows > 4) { ar += aRow; c4 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c4); }
                if (rows > 5) { ar += aRow; c5 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c5); }
                if (rows > 6) { ar += aRow; c6 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c6); }
                if (rows > 7) { ar += aRow; c7 = Vector512.FusedMultiplyAdd(Vector512.Create(*ar), bv, c7); }
                a += aCol;
                b += ldb;
            }

            if (cols == PanelWidth)
            {
                AddTo(c, c0);
                if (rows > 1) { AddTo(c + ldc, c1); }
                if (rows > 2) { AddTo(c + (2 * ldc), c2); }
                if (rows > 3) { AddTo(c + (3 * ldc), c3); }
                if (rows > 4) { AddTo(c + (4 * ldc), c4); }
                if (rows > 5) { AddTo(c + (5 * ldc), c5); }
                if (rows > 6) { AddTo(c + (6 * ldc), c6); }
                if (rows > 7) { AddTo(c + (7 * ldc), c7); }
                return;
            }

            // A ragged last panel: park the sums on the stack, then add the valid columns only.
            float* lanes = stackalloc float[8 * PanelWidth];
            c0.Store(lanes);
            if (rows > 1) { c1.Store(lanes + PanelWidth); }
            if (rows > 2) { c2.Store(lanes + (2 * PanelWidth)); }
            if (rows > 3) { c3.Store(lanes + (3 * PanelWidth)); }
            if (rows > 4) { c4.Store(lanes + (4 * PanelWidth)); }
            if (rows > 5) { c5.Store(lanes + (5 * PanelWidth)); }
            if (rows > 6) { c6.Store(lanes + (6 * PanelWidth)); }
            if (rows > 7) { c7.Store(lanes + (7 * PanelWidth)); }
            for (int r = 0; r < rows; r++)
            {
                AddRagged(c + (r * ldc), cols, lanes + (r * PanelWidth));
            }
        }

        public static bool PairsPanels => true;

        /// <summary>
        /// rows × 32 columns (two panels): 16 accumulators, so each broadcast of a(r, k) feeds two FMAs instead of one.
        /// Per k: 2 loads of the panel rows, 8 broadcasts, 16 FMAs (the single-panel kernel issues one broadcast per FMA,
        /// and the broadcasts, not the FMAs, then bound it: 69 → 84 GFLOP/s in a probe at M 3200, N 512, K 128).
        /// </summary>
        public static void BlockPair(int rows, float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc)
        {
            switch (rows)
            {
                case 8: PairKernel<Rows8>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 7: PairKernel<Rows7>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 6: PairKernel<Rows6>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 5: PairKernel<Rows5>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 4: PairKernel<Rows4>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 3: PairKernel<Rows3>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                case 2: PairKernel<Rows2>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
                default: PairKernel<Rows1>(a, aRow, aCol, b, ldb, kLen, c, ldc); break;
            }
        }

        private static void PairKernel<TRows>(float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc)
            where TRows : struct, IRowCount
        {
            int rows = TRows.Value;
            PrefetchRows(c, ldc, rows);
            PrefetchRows(c + PanelWidth, ldc, rows);
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            Vector512<float> d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector512<float> bl = Vector512.Load(b);
                Vector512<float> bh = Vector512.Load(b + PanelWidth);
                float* ar = a;
                Vector512<float> x = Vector512.Create(*ar);
                c0 = Vector512.FusedMultiplyAdd(x, bl, c0);
                d0 = Vector512.FusedMultiplyAdd(x, bh, d0);
                if (rows > 1) { ar += aRow; x = Vector512.Create(*ar); c1 = Vector512.FusedMultiplyAdd(x, bl, c1); d1 = Vector512.FusedMultiplyAdd(x, bh, d1); }
                if (rows > 2) { ar += aRow; x = Vector512.Create(*ar); c2 = Vector512.FusedMultiplyAdd(x, bl, c2); d2 = Vector512.FusedMultiplyAdd(x, bh, d2); }
                if (rows > 3) { ar += aRow; x = Vector512.Create(*ar); c3 = Vector512.FusedMultiplyAdd(x, bl, c3); d3 = Vector512.FusedMultiplyAdd(x, bh, d3); }
                if (rows > 4) { ar += aRow; x = Vector512.Create(*ar); c4 = Vector512.FusedMultiplyAdd(x, bl, c4); d4 = Vector512.FusedMultiplyAdd(x, bh, d4); }
                if (rows > 5) { ar += aRow; x = Vector512.Create(*ar); c5 = Vector512.FusedMultiplyAdd(x, bl, c5); d5 = Vector512.FusedMultiplyAdd(x, bh, d5); }
                if (rows > 6) { ar += aRow; x = Vector512.Create(*ar); c6 = Vector512.FusedMultiplyAdd(x, bl, c6); d6 = Vector512.FusedMultiplyAdd(x, bh, d6); }
                if (rows > 7) { ar += aRow; x = Vector512.Create(*ar); c7 = Vector512.FusedMultiplyAdd(x, bl, c7); d7 = Vector512.FusedMultiplyAdd(x, bh, d7); }
                a += aCol;
                b += ldb;
            }

            AddPair(c, c0, d0);
            if (rows > 1) { AddPair(c + ldc, c1, d1); }
            if (rows > 2) { AddPair(c + (2 * ldc), c2, d2); }
            if (rows > 3) { AddPair(c + (3 * ldc), c3, d3); }
            if (rows > 4) { AddPair(c + (4 * ldc), c4, d4); }
            if (rows > 5) { AddPair(c + (5 * ldc), c5, d5); }
            if (rows > 6) { AddPair(c + (6 * ldc), c6, d6); }
            if (rows > 7) { AddPair(c + (7 * ldc), c7, d7); }
        }

        /// <summary>c[0 … 32) += (low | high).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddPair(float* c, Vector512<float> low, Vector512<float> high)
        {
            AddTo(c, low);
            AddTo(c + PanelWidth, high);
        }

        /// <summary>c[0 … 16) += sum.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddTo(float* c, Vector512<float> sum) => (Vector512.Load(c) + sum).Store(c);
    }
}
