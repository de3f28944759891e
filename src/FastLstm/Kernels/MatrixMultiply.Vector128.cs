using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

internal static unsafe partial class MatrixMultiply
{
    /// <summary>
    /// Vector128 micro-kernel (SSE, or AdvSimd on Arm64): 2 rows × 16 columns as four Vector128 per row (lanes
    /// 0–3, 4–7, 8–11, 12–15), 8 accumulators + 4 panel quarters + 1 broadcast in 16 xmm registers. Uses
    /// MultiplyAddEstimate: fused where the hardware fuses (Arm64, x86 with FMA), a multiply then an add otherwise.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Kernel128 : IMicroKernel<Kernel128>
    {
        public static int Rows => 2;

        public static void Block(int rows, float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc, int cols)
        {
            if (rows == 2)
            {
                Kernel<Rows2>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols);
            }
            else
            {
                Kernel<Rows1>(a, aRow, aCol, b, ldb, kLen, c, ldc, cols);
            }
        }

        public static void Gemv4(float* a, nint aCol, float* b0, float* b1, float* b2, float* b3, nint ldb, int kLen, float* c, int cols)
        {
            // Two panels at a time: 8 accumulators is what 16 xmm registers hold with room for the operands.
            Pair(a, aCol, b0, b1, ldb, kLen, c);
            Pair(a, aCol, b2, b3, ldb, kLen, c + (2 * PanelWidth), cols - (2 * PanelWidth));
        }

        private static void Pair(float* a, nint aCol, float* b0, float* b1, nint ldb, int kLen, float* c, int cols = 2 * PanelWidth)
        {
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            nint ak = 0;
            nint kb = 0;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector128<float> x = Vector128.Create(a[ak]);
                s0 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b0 + kb), s0);
                s1 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b0 + kb + 4), s1);
                s2 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b0 + kb + 8), s2);
                s3 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b0 + kb + 12), s3);
                s4 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b1 + kb), s4);
                s5 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b1 + kb + 4), s5);
                s6 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b1 + kb + 8), s6);
                s7 = Vector128.MultiplyAddEstimate(x, Vector128.Load(b1 + kb + 12), s7);
                ak += aCol;
                kb += ldb;
            }

            AddTo(c, s0, s1, s2, s3);
            if (cols >= 2 * PanelWidth)
            {
                AddTo(c + PanelWidth, s4, s5, s6, s7);
                return;
            }

            float* lanes = stackalloc float[PanelWidth];
            Park(lanes, s4, s5, s6, s7);
            AddRagged(c + PanelWidth, cols - PanelWidth, lanes);
        }

        private static void Kernel<TRows>(float* a, nint aRow, nint aCol, float* b, nint ldb, int kLen, float* c, nint ldc, int cols)
            where TRows : struct, IRowCount
        {
            int rows = TRows.Value;
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int kk = 0; kk < kLen; kk++)
            {
                Vector128<float> q0 = Vector128.Load(b);
                Vector128<float> q1 = Vector128.Load(b + 4);
                Vector128<float> q2 = Vector128.Load(b + 8);
                Vector128<float> q3 = Vector128.Load(b + 12);
                Vector128<float> x = Vector128.Create(*a);
                s0 = Vector128.MultiplyAddEstimate(x, q0, s0);
                s1 = Vector128.MultiplyAddEstimate(x, q1, s1);
                s2 = Vector128.MultiplyAddEstimate(x, q2, s2);
                s3 = Vector128.MultiplyAddEstimate(x, q3, s3);
                if (rows > 1)
                {
                    x = Vector128.Create(a[aRow]);
                    s4 = Vector128.MultiplyAddEstimate(x, q0, s4);
                    s5 = Vector128.MultiplyAddEstimate(x, q1, s5);
                    s6 = Vector128.MultiplyAddEstimate(x, q2, s6);
                    s7 = Vector128.MultiplyAddEstimate(x, q3, s7);
                }

                a += aCol;
                b += ldb;
            }

            if (cols == PanelWidth)
            {
                AddTo(c, s0, s1, s2, s3);
                if (rows > 1)
                {
                    AddTo(c + ldc, s4, s5, s6, s7);
                }

                return;
            }

            // A ragged last panel: park the sums on the stack, then add the valid columns only.
            float* lanes = stackalloc float[2 * PanelWidth];
            Park(lanes, s0, s1, s2, s3);
            AddRagged(c, cols, lanes);
            if (rows > 1)
            {
                Park(lanes + PanelWidth, s4, s5, s6, s7);
                AddRagged(c + ldc, cols, lanes + PanelWidth);
            }
        }

        /// <summary>c[0 … 16) += (s0 | s1 | s2 | s3).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void AddTo(float* c, Vector128<float> s0, Vector128<float> s1, Vector128<float> s2, Vector128<float> s3)
        {
            (Vector128.Load(c) + s0).Store(c);
            (Vector128.Load(c + 4) + s1).Store(c + 4);
            (Vector128.Load(c + 8) + s2).Store(c + 8);
            (Vector128.Load(c + 12) + s3).Store(c + 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Park(float* lanes, Vector128<float> s0, Vector128<float> s1, Vector128<float> s2, Vector128<float> s3)
        {
            s0.Store(lanes);
            s1.Store(lanes + 4);
            s2.Store(lanes + 8);
            s3.Store(lanes + 12);
        }
    }
}
