using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

internal static unsafe partial class ReducedMatrixMultiply
{
    /// <summary>
    /// AVX2 + FMA kernels: up to 2 rows × 2 panels (one pair of the 16-bit forms), two Vector256 accumulators per row and
    /// panel (8 chains at 2 rows; 16 ymm registers hold them with the 4 decoded weight vectors). Per k, 16-bit forms: two
    /// 32-byte loads (lanes 0 … 7 and 8 … 15 of the pair) decode into columns 0 … 7 and 8 … 15 of both panels; int8: one
    /// 8-byte sign-extending load (vpmovsxbd) and a convert per 8 weights.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Kernel256 : IReducedKernel
    {
        private const int Width = 8;

        public static int MaxRows => 2;

        public static int MaxPanels => 2;

        public static void Pairs<TDecoder>(
            int rows, int panels, float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
            where TDecoder : struct, IPairDecoder
        {
            if (rows == 2)
            {
                PairKernel<TDecoder, Rows2>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd);
            }
            else
            {
                PairKernel<TDecoder, Rows1>(a, lda, k, b, stride, c, ldc, columnStart, columnEnd);
            }
        }

        public static void Bytes(int rows, int panels, float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
        {
            switch (rows * 2 + panels)
            {
                case 6: ByteKernel<Rows2, Rows2>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 5: ByteKernel<Rows2, Rows1>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                case 4: ByteKernel<Rows1, Rows2>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
                default: ByteKernel<Rows1, Rows1>(a, lda, k, b, stride, scales, c, ldc, columnEnd); break;
            }
        }

        private static void PairKernel<TDecoder, TRows>(float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
            where TDecoder : struct, IPairDecoder
            where TRows : struct, IRowCount
        {
            bool two = TRows.Value == 2;
            float scale = TDecoder.InputScale;

            // sRP: row R; P = panel 0 columns 0 … 7, 8 … 15 (a, b), panel 1 the same (c, d).
            Vector256<float> s0a = default, s0b = default, s0c = default, s0d = default;
            Vector256<float> s1a = default, s1b = default, s1c = default, s1d = default;
            for (int kk = 0; kk < k; kk++)
            {
                Vector256<uint> first = Vector256.Load(b);
                Vector256<uint> second = Vector256.Load(b + Width);
                Vector256<float> wa = TDecoder.High(first), wb = TDecoder.High(second), wc = TDecoder.Low(first), wd = TDecoder.Low(second);
                Vector256<float> x = Vector256.Create(a[kk] * scale);
                s0a = Vector256.FusedMultiplyAdd(x, wa, s0a);
                s0b = Vector256.FusedMultiplyAdd(x, wb, s0b);
                s0c = Vector256.FusedMultiplyAdd(x, wc, s0c);
                s0d = Vector256.FusedMultiplyAdd(x, wd, s0d);
                if (two)
                {
                    x = Vector256.Create(a[lda + kk] * scale);
                    s1a = Vector256.FusedMultiplyAdd(x, wa, s1a);
                    s1b = Vector256.FusedMultiplyAdd(x, wb, s1b);
                    s1c = Vector256.FusedMultiplyAdd(x, wc, s1c);
                    s1d = Vector256.FusedMultiplyAdd(x, wd, s1d);
                }

                b += stride;
            }

            if (columnStart <= 0 && columnEnd >= 2 * PanelWidth)
            {
                AddRow(c, s0a, s0b, s0c, s0d, 4);
                if (two)
                {
                    AddRow(c + ldc, s1a, s1b, s1c, s1d, 4);
                }

                return;
            }

            // Cut by N or the panel range: park the sums first (no accumulator may live across a call), then add.
            float* sums = stackalloc float[2 * 2 * PanelWidth];
            Park(sums, s0a, s0b, s0c, s0d, 4);
            if (two)
            {
                Park(sums + (2 * PanelWidth), s1a, s1b, s1c, s1d, 4);
            }

            AddRagged(c, ldc, sums, TRows.Value, 2 * PanelWidth, columnStart, columnEnd);
        }

        private static void ByteKernel<TRows, TPanels>(float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
            where TRows : struct, IRowCount
            where TPanels : struct, IRowCount
        {
            bool twoRows = TRows.Value == 2;
            bool twoPanels = TPanels.Value == 2;
            Vector256<float> s0a = default, s0b = default, s0c = default, s0d = default;
            Vector256<float> s1a = default, s1b = default, s1c = default, s1d = default;
            for (int kk = 0; kk < k; kk++)
            {
                Vector256<float> wa = Decode(b), wb = Decode(b + Width);
                Vector256<float> wc = twoPanels ? Decode(b + PanelWidth) : default;
                Vector256<float> wd = twoPanels ? Decode(b + PanelWidth + Width) : default;
                Vector256<float> x = Vector256.Create(a[kk]);
                s0a = Vector256.FusedMultiplyAdd(x, wa, s0a);
                s0b = Vector256.FusedMultiplyAdd(x, wb, s0b);
                if (twoPanels) { s0c = Vector256.FusedMultiplyAdd(x, wc, s0c); s0d = Vector256.FusedMultiplyAdd(x, wd, s0d); }
                if (twoRows)
                {
                    x = Vector256.Create(a[lda + kk]);
                    s1a = Vector256.FusedMultiplyAdd(x, wa, s1a);
                    s1b = Vector256.FusedMultiplyAdd(x, wb, s1b);
                    if (twoPanels) { s1c = Vector256.FusedMultiplyAdd(x, wc, s1c); s1d = Vector256.FusedMultiplyAdd(x, wd, s1d); }
                }

                b += stride;
            }

            int width = TPanels.Value * PanelWidth;
            if (columnEnd >= width)
            {
                ScaleRow(c, scales, s0a, s0b, s0c, s0d, twoPanels);
                if (twoRows)
                {
                    ScaleRow(c + ldc, scales, s1a, s1b, s1c, s1d, twoPanels);
                }

                return;
            }

            float* sums = stackalloc float[2 * 2 * PanelWidth];
            Park(sums, s0a, s0b, s0c, s0d, 2 * TPanels.Value);
            if (twoRows)
            {
                Park(sums + width, s1a, s1b, s1c, s1d, 2 * TPanels.Value);
            }

            ScaleRagged(c, ldc, scales, sums, TRows.Value, width, columnEnd);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Decode(sbyte* q) => Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(q));

        /// <summary>c[8v … 8v + 7] += the v-th of the <paramref name="vectors"/> (2 or 4) sums.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddRow(float* c, Vector256<float> sa, Vector256<float> sb, Vector256<float> sc, Vector256<float> sd, int vectors)
        {
            (Vector256.Load(c) + sa).Store(c);
            (Vector256.Load(c + Width) + sb).Store(c + Width);
            if (vectors > 2)
            {
                (Vector256.Load(c + (2 * Width)) + sc).Store(c + (2 * Width));
                (Vector256.Load(c + (3 * Width)) + sd).Store(c + (3 * Width));
            }
        }

        /// <summary>c = fma(s, sum, c) per column, for whole panels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ScaleRow(float* c, float* s, Vector256<float> sa, Vector256<float> sb, Vector256<float> sc, Vector256<float> sd, bool twoPanels)
        {
            Vector256.FusedMultiplyAdd(Vector256.Load(s), sa, Vector256.Load(c)).Store(c);
            Vector256.FusedMultiplyAdd(Vector256.Load(s + Width), sb, Vector256.Load(c + Width)).Store(c + Width);
            if (twoPanels)
            {
                Vector256.FusedMultiplyAdd(Vector256.Load(s + (2 * Width)), sc, Vector256.Load(c + (2 * Width))).Store(c + (2 * Width));
                Vector256.FusedMultiplyAdd(Vector256.Load(s + (3 * Width)), sd, Vector256.Load(c + (3 * Width))).Store(c + (3 * Width));
            }
        }

        /// <summary>Stores the first <paramref name="vectors"/> (2 or 4) sums one after the other.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Park(float* row, Vector256<float> sa, Vector256<float> sb, Vector256<float> sc, Vector256<float> sd, int vectors)
        {
            sa.Store(row);
            sb.Store(row + Width);
            if (vectors > 2)
            {
                sc.Store(row + (2 * Width));
                sd.Store(row + (3 * Width));
            }
        }
    }
}
