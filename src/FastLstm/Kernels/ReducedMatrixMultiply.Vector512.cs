using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

internal static unsafe partial class ReducedMatrixMultiply
{
    /// <summary>
    /// AVX-512 kernels: up to 4 rows × 4 panels (a whole group, one sequential stream), one Vector512 accumulator per row
    /// and panel (16 chains; at M = 1 four, enough to cover the FMA latency). Per k, 16-bit forms: two 64-byte loads
    /// (pairs 0 and 1: lanes j hold column j of panels 0|1 and 2|3), four decodes, one broadcast and four FMAs per row;
    /// int8: four 16-byte loads, each sign-extended to int32 (vpmovsxbd) and converted (vcvtdq2ps), then the FMAs.
    /// Registers: 16 accumulators + 4 weights + 1 broadcast + constants of the 32 zmm.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Kernel512 : IReducedKernel
    {
        public static int MaxRows => 4;

        public static int MaxPanels => 4;

        public static void Pairs<TDecoder>(
            int rows, int panels, float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
            where TDecoder : struct, IPairDecoder
        {
            if (panels == 4)
            {
                switch (rows)
                {
                    case 4: PairKernel<TDecoder, Rows4, Rows4>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                    case 3: PairKernel<TDecoder, Rows3, Rows4>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                    case 2: PairKernel<TDecoder, Rows2, Rows4>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                    default: PairKernel<TDecoder, Rows1, Rows4>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                }

                return;
            }

            switch (rows)
            {
                case 4: PairKernel<TDecoder, Rows4, Rows2>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                case 3: PairKernel<TDecoder, Rows3, Rows2>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                case 2: PairKernel<TDecoder, Rows2, Rows2>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
                default: PairKernel<TDecoder, Rows1, Rows2>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd); break;
            }
        }

        public static void Bytes(int rows, int panels, float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
        {
            switch (panels)
            {
                case 4: BytesRows<Rows4>(rows, a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 3: BytesRows<Rows3>(rows, a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 2: BytesRows<Rows2>(rows, a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                default: BytesRows<Rows1>(rows, a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
            }
        }

        private static void BytesRows<TPanels>(int rows, float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
            where TPanels : struct, IRowCount
        {
            switch (rows)
            {
                case 4: ByteKernel<Rows4, TPanels>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 3: ByteKernel<Rows3, TPanels>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 2: ByteKernel<Rows2, TPanels>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                default: ByteKernel<Rows1, TPanels>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
            }
        }

        private static void PairKernel<TDecoder, TRows, TPanels>(
            float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
            where TDecoder : struct, IPairDecoder
            where TRows : struct, IRowCount
            where TPanels : struct, IRowCount
        {
            int rows = TRows.Value;
            bool four = TPanels.Value == 4;
            float scale = TDecoder.InputScale;
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
            for (int kk = 0; kk < k; kk++)
            {
                // Weights of step k: w0 | w1 from pair 0 (panels 0, 1), w2 | w3 from pair 1 (panels 2, 3).
                Vector512<uint> pair0 = Vector512.Load(b);
                Vector512<float> w0 = TDecoder.High(pair0);
                Vector512<float> w1 = TDecoder.Low(pair0);
                Vector512<float> w2 = default, w3 = default;
                if (four)
                {
                    Vector512<uint> pair1 = Vector512.Load(b + PanelWidth);
                    w2 = TDecoder.High(pair1);
                    w3 = TDecoder.Low(pair1);
                }

                // scale is 1 or 2¹¹² (Float16Pairs): a scalar multiply before the broadcast, exact either way.
                Vector512<float> x = Vector512.Create(a[kk] * scale);
                s00 = Vector512.FusedMultiplyAdd(x, w0, s00);
                s01 = Vector512.FusedMultiplyAdd(x, w1, s01);
                if (four) { s02 = Vector512.FusedMultiplyAdd(x, w2, s02); s03 = Vector512.FusedMultiplyAdd(x, w3, s03); }
                if (rows > 1)
                {
                    x = Vector512.Create(a[lda + kk] * scale);
                    s10 = Vector512.FusedMultiplyAdd(x, w0, s10);
                    s11 = Vector512.FusedMultiplyAdd(x, w1, s11);
                    if (four) { s12 = Vector512.FusedMultiplyAdd(x, w2, s12); s13 = Vector512.FusedMultiplyAdd(x, w3, s13); }
                }

                if (rows > 2)
                {
                    x = Vector512.Create(a[(2 * lda) + kk] * scale);
                    s20 = Vector512.FusedMultiplyAdd(x, w0, s20);
                    s21 = Vector512.FusedMultiplyAdd(x, w1, s21);
                    if (four) { s22 = Vector512.FusedMultiplyAdd(x, w2, s22); s23 = Vector512.FusedMultiplyAdd(x, w3, s23); }
                }

                if (rows > 3)
                {
                    x = Vector512.Create(a[(3 * lda) + kk] * scale);
                    s30 = Vector512.FusedMultiplyAdd(x, w0, s30);
                    s31 = Vector512.FusedMultiplyAdd(x, w1, s31);
                    if (four) { s32 = Vector512.FusedMultiplyAdd(x, w2, s32); s33 = Vector512.FusedMultiplyAdd(x, w3, s33); }
                }

                b += stride;
            }

            int width = TPanels.Value * PanelWidth;
            if (columnStart <= 0 && columnEnd >= width)
            {
                AddRow(c, s00, s01, s02, s03, four);
                if (rows > 1) { AddRow(c + ldc, s10, s11, s12, s13, four); }
                if (rows > 2) { AddRow(c + (2 * ldc), s20, s21, s22, s23, four); }
                if (rows > 3) { AddRow(c + (3 * ldc), s30, s31, s32, s33, four); }
                return;
            }

            // A block cut by N or by the panel range: park every sum first (no accumulator may live across a call, or
            // the JIT keeps them all in memory inside the loop), then add the valid columns.
            float* sums = stackalloc float[4 * 4 * PanelWidth];
            Park(sums, width, 0, s00, s01, s02, s03, TPanels.Value);
            if (rows > 1) { Park(sums, width, 1, s10, s11, s12, s13, TPanels.Value); }
            if (rows > 2) { Park(sums, width, 2, s20, s21, s22, s23, TPanels.Value); }
            if (rows > 3) { Park(sums, width, 3, s30, s31, s32, s33, TPanels.Value); }
            AddRagged(c, ldc, sums, rows, width, columnStart, columnEnd);
        }

        private static void ByteKernel<TRows, TPanels>(float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
            where TRows : struct, IRowCount
            where TPanels : struct, IRowCount
        {
            int rows = TRows.Value;
            int panels = TPanels.Value;
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default;
            Vector512<float> s10 = default, s11 = default, s12 = default, s13 = default;
            Vector512<float> s20 = default, s21 = default, s22 = default, s23 = default;
            Vector512<float> s30 = default, s31 = default, s32 = default, s33 = default;
            for (int kk = 0; kk < k; kk++)
            {
                // q of panel p at step k: 16 bytes at b + 16p, sign-extended and converted exactly.
                Vector512<float> w0 = Decode(b);
                Vector512<float> w1 = panels > 1 ? Decode(b + PanelWidth) : default;
                Vector512<float> w2 = panels > 2 ? Decode(b + (2 * PanelWidth)) : default;
                Vector512<float> w3 = panels > 3 ? Decode(b + (3 * PanelWidth)) : default;

                Vector512<float> x = Vector512.Create(a[kk]);
                s00 = Vector512.FusedMultiplyAdd(x, w0, s00);
                if (panels > 1) { s01 = Vector512.FusedMultiplyAdd(x, w1, s01); }
                if (panels > 2) { s02 = Vector512.FusedMultiplyAdd(x, w2, s02); }
                if (panels > 3) { s03 = Vector512.FusedMultiplyAdd(x, w3, s03); }
                if (rows > 1)
                {
                    x = Vector512.Create(a[lda + kk]);
                    s10 = Vector512.FusedMultiplyAdd(x, w0, s10);
                    if (panels > 1) { s11 = Vector512.FusedMultiplyAdd(x, w1, s11); }
                    if (panels > 2) { s12 = Vector512.FusedMultiplyAdd(x, w2, s12); }
                    if (panels > 3) { s13 = Vector512.FusedMultiplyAdd(x, w3, s13); }
                }

                if (rows > 2)
                {
                    x = Vector512.Create(a[(2 * lda) + kk]);
                    s20 = Vector512.FusedMultiplyAdd(x, w0, s20);
                    if (panels > 1) { s21 = Vector512.FusedMultiplyAdd(x, w1, s21); }
                    if (panels > 2) { s22 = Vector512.FusedMultiplyAdd(x, w2, s22); }
                    if (panels > 3) { s23 = Vector512.FusedMultiplyAdd(x, w3, s23); }
                }

                if (rows > 3)
                {
                    x = Vector512.Create(a[(3 * lda) + kk]);
                    s30 = Vector512.FusedMultiplyAdd(x, w0, s30);
                    if (panels > 1) { s31 = Vector512.FusedMultiplyAdd(x, w1, s31); }
                    if (panels > 2) { s32 = Vector512.FusedMultiplyAdd(x, w2, s32); }
                    if (panels > 3) { s33 = Vector512.FusedMultiplyAdd(x, w3, s33); }
                }

                b += stride;
            }

            int width = panels * PanelWidth;
            if (columnEnd >= width)
            {
                ScaleRow(c, scales, s00, s01, s02, s03, panels);
                if (rows > 1) { ScaleRow(c + ldc, scales, s10, s11, s12, s13, panels); }
                if (rows > 2) { ScaleRow(c + (2 * ldc), scales, s20, s21, s22, s23, panels); }
                if (rows > 3) { ScaleRow(c + (3 * ldc), scales, s30, s31, s32, s33, panels); }
                return;
            }

            float* sums = stackalloc float[4 * 4 * PanelWidth];
            Park(sums, width, 0, s00, s01, s02, s03, panels);
            if (rows > 1) { Park(sums, width, 1, s10, s11, s12, s13, panels); }
            if (rows > 2) { Park(sums, width, 2, s20, s21, s22, s23, panels); }
            if (rows > 3) { Park(sums, width, 3, s30, s31, s32, s33, panels); }
            ScaleRagged(c, ldc, scales, sums, rows, width, columnEnd);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<float> Decode(sbyte* q) =>
            Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(q)));

        /// <summary>c[16p … 16p + 15] += the sum of panel p, for the 2 or 4 panels of a block inside the range.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddRow(float* c, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, bool four)
        {
            (Vector512.Load(c) + s0).Store(c);
            (Vector512.Load(c + PanelWidth) + s1).Store(c + PanelWidth);
            if (four)
            {
                (Vector512.Load(c + (2 * PanelWidth)) + s2).Store(c + (2 * PanelWidth));
                (Vector512.Load(c + (3 * PanelWidth)) + s3).Store(c + (3 * PanelWidth));
            }
        }

        /// <summary>c = fma(s, sum, c) per column, for whole panels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ScaleRow(float* c, float* s, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, int panels)
        {
            Vector512.FusedMultiplyAdd(Vector512.Load(s), s0, Vector512.Load(c)).Store(c);
            if (panels > 1) { Vector512.FusedMultiplyAdd(Vector512.Load(s + PanelWidth), s1, Vector512.Load(c + PanelWidth)).Store(c + PanelWidth); }
            if (panels > 2) { Vector512.FusedMultiplyAdd(Vector512.Load(s + (2 * PanelWidth)), s2, Vector512.Load(c + (2 * PanelWidth))).Store(c + (2 * PanelWidth)); }
            if (panels > 3) { Vector512.FusedMultiplyAdd(Vector512.Load(s + (3 * PanelWidth)), s3, Vector512.Load(c + (3 * PanelWidth))).Store(c + (3 * PanelWidth)); }
        }

        /// <summary>Stores row r's sums of <paramref name="panels"/> panels at sums[r·width …].</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Park(float* sums, int width, int r, Vector512<float> s0, Vector512<float> s1, Vector512<float> s2, Vector512<float> s3, int panels)
        {
            float* row = sums + (r * width);
            s0.Store(row);
            if (panels > 1) { s1.Store(row + PanelWidth); }
            if (panels > 2) { s2.Store(row + (2 * PanelWidth)); }
            if (panels > 3) { s3.Store(row + (3 * PanelWidth)); }
        }
    }
}
