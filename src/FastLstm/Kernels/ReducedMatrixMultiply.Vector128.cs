using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

internal static unsafe partial class ReducedMatrixMultiply
{
    /// <summary>
    /// Vector128 kernels (SSE, AdvSimd): one row × 2 panels, four Vector128 accumulators per panel (8 chains: 16 xmm
    /// registers hold them with the decoded weights). Per k, 16-bit forms: four 16-byte loads (lanes 0 … 3, …, 12 … 15 of
    /// the pair) decode into both panels; int8: one 4-byte sign-extending load and a convert per 4 weights. Multiply-adds
    /// are MultiplyAddEstimate, as in <see cref="MatrixMultiply"/>: fused where the hardware fuses (then equal to the scalar
    /// path bit for bit), a multiply then an add otherwise.
    /// </summary>
    [SkipLocalsInit]
    internal readonly struct Kernel128 : IReducedKernel
    {
        private const int Width = 4;

        public static int MaxRows => 1;

        public static int MaxPanels => 2;

        public static void Pairs<TDecoder>(
            int rows, int panels, float* a, nint lda, int k, uint* b, nint stride, float* c, nint ldc, int columnStart, int columnEnd)
            where TDecoder : struct, IPairDecoder
        {
            float scale = TDecoder.InputScale;

            // s0 … s3: columns 0 … 15 of panel 0 (upper halves), s4 … s7: of panel 1 (lower halves).
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int kk = 0; kk < k; kk++)
            {
                Vector128<uint> l0 = Vector128.Load(b);
                Vector128<uint> l1 = Vector128.Load(b + Width);
                Vector128<uint> l2 = Vector128.Load(b + (2 * Width));
                Vector128<uint> l3 = Vector128.Load(b + (3 * Width));
                Vector128<float> x = Vector128.Create(a[kk] * scale);
                s0 = Vector128.MultiplyAddEstimate(x, TDecoder.High(l0), s0);
                s1 = Vector128.MultiplyAddEstimate(x, TDecoder.High(l1), s1);
                s2 = Vector128.MultiplyAddEstimate(x, TDecoder.High(l2), s2);
                s3 = Vector128.MultiplyAddEstimate(x, TDecoder.High(l3), s3);
                s4 = Vector128.MultiplyAddEstimate(x, TDecoder.Low(l0), s4);
                s5 = Vector128.MultiplyAddEstimate(x, TDecoder.Low(l1), s5);
                s6 = Vector128.MultiplyAddEstimate(x, TDecoder.Low(l2), s6);
                s7 = Vector128.MultiplyAddEstimate(x, TDecoder.Low(l3), s7);
                b += stride;
            }

            if (columnStart <= 0 && columnEnd >= 2 * PanelWidth)
            {
                Add(c, s0);
                Add(c + 4, s1);
                Add(c + 8, s2);
                Add(c + 12, s3);
                Add(c + 16, s4);
                Add(c + 20, s5);
                Add(c + 24, s6);
                Add(c + 28, s7);
                return;
            }

            // Cut by N or the panel range: park the sums first (no accumulator may live across a call), then add.
            float* sums = stackalloc float[2 * PanelWidth];
            s0.Store(sums);
            s1.Store(sums + 4);
            s2.Store(sums + 8);
            s3.Store(sums + 12);
            s4.Store(sums + 16);
            s5.Store(sums + 20);
            s6.Store(sums + 24);
            s7.Store(sums + 28);
            AddRagged(c, ldc, sums, 1, 2 * PanelWidth, columnStart, columnEnd);
        }

        public static void Bytes(int rows, int panels, float* a, nint lda, int k, sbyte* b, nint stride, float* scales, float* c, nint ldc, int columnEnd)
        {
            if (panels == 2)
            {
                ByteKernel<Rows2>(a, k, b, stride, scales, c, columnEnd);
            }
            else
            {
                ByteKernel<Rows1>(a, k, b, stride, scales, c, columnEnd);
            }
        }

        private static void ByteKernel<TPanels>(float* a, int k, sbyte* b, nint stride, float* scales, float* c, int columnEnd)
            where TPanels : struct, IRowCount
        {
            bool two = TPanels.Value == 2;
            Vector128<float> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
            for (int kk = 0; kk < k; kk++)
            {
                Vector128<float> x = Vector128.Create(a[kk]);
                s0 = Vector128.MultiplyAddEstimate(x, Decode(b), s0);
                s1 = Vector128.MultiplyAddEstimate(x, Decode(b + 4), s1);
                s2 = Vector128.MultiplyAddEstimate(x, Decode(b + 8), s2);
                s3 = Vector128.MultiplyAddEstimate(x, Decode(b + 12), s3);
                if (two)
                {
                    s4 = Vector128.MultiplyAddEstimate(x, Decode(b + 16), s4);
                    s5 = Vector128.MultiplyAddEstimate(x, Decode(b + 20), s5);
                    s6 = Vector128.MultiplyAddEstimate(x, Decode(b + 24), s6);
                    s7 = Vector128.MultiplyAddEstimate(x, Decode(b + 28), s7);
                }

                b += stride;
            }

            int width = TPanels.Value * PanelWidth;
            if (columnEnd >= width)
            {
                Scale(c, scales, s0);
                Scale(c + 4, scales + 4, s1);
                Scale(c + 8, scales + 8, s2);
                Scale(c + 12, scales + 12, s3);
                if (two)
                {
                    Scale(c + 16, scales + 16, s4);
                    Scale(c + 20, scales + 20, s5);
                    Scale(c + 24, scales + 24, s6);
                    Scale(c + 28, scales + 28, s7);
                }

                return;
            }

            float* sums = stackalloc float[2 * PanelWidth];
            s0.Store(sums);
            s1.Store(sums + 4);
            s2.Store(sums + 8);
            s3.Store(sums + 12);
            s4.Store(sums + 16);
            s5.Store(sums + 20);
            s6.Store(sums + 24);
            s7.Store(sums + 28);
            ScaleRagged(c, 0, scales, sums, 1, width, columnEnd);
        }

        /// <summary>4 int8 weights to float: pmovsxbd + cvtdq2ps on x86; elsewhere two widening steps (sbyte → short → int).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<float> Decode(sbyte* q)
        {
            if (Sse41.IsSupported)
            {
                return Sse2.ConvertToVector128Single(Sse41.ConvertToVector128Int32(q));
            }

            Vector128<sbyte> bytes = Vector128.CreateScalar(Unsafe.ReadUnaligned<int>(q)).AsSByte();
            return Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(bytes)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Add(float* c, Vector128<float> sum) => (Vector128.Load(c) + sum).Store(c);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Scale(float* c, float* s, Vector128<float> sum) =>
            Vector128.MultiplyAddEstimate(Vector128.Load(s), sum, Vector128.Load(c)).Store(c);
    }
}
