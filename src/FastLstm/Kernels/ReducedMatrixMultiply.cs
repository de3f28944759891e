using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

/// <summary>
/// C (M×N) += A (M×K) · Wᵀ with W stored in a reduced precision (<see cref="ReducedMatrix"/>): the per-step products of
/// batch-1 (and small-batch) inference, which stream every weight once per step and are bound by the bandwidth of the
/// cache the weights live in. Fewer bytes per weight, decoded in registers to exact float32 values, make them faster.
/// </summary>
/// <remarks>
/// <para>Summation order, the same on every instruction set and for every M, panel split and thread split: each element
/// of C gets acc = (((0 + a₀w₀) + a₁w₁) + …) over all of K, one fused multiply-add per k in increasing k with the exact
/// decoded weights, then C += acc (16-bit forms) or C = fma(s, acc, C) with the column's int8 scale s. With hardware FMA
/// the SIMD paths equal the scalar path <see cref="AddProductScalar"/> bit for bit. Unlike <see cref="MatrixMultiply"/>
/// there is no K blocking: the decoded weights are used once each, so only the accumulators need to stay in registers.</para>
/// <para>Blocking: rows of A in blocks of the kernel's <see cref="IReducedKernel.MaxRows"/> (each weight vector is decoded
/// once and used for all of them), columns by groups of 4 panels (one sequential stream) in chunks of the kernel's
/// <see cref="IReducedKernel.MaxPanels"/>. The kernels compute whole panels (whole pairs of the 16-bit forms) and write
/// back only the columns inside [16·panelStart, min(16·panelEnd, N)).</para>
/// </remarks>
[SkipLocalsInit]
internal static unsafe partial class ReducedMatrixMultiply
{
    private const int PanelWidth = ReducedMatrix.PanelWidth;

    /// <summary>float16 activations are scaled by 2¹¹² when every |x| is below this (2¹⁵; anything below 2¹⁶ stays finite).</summary>
    private const float HalfInputLimit = 32768f;

    /// <summary>C (M×N) += A (M×K) · Wᵀ, on the widest instruction set this machine runs.</summary>
    public static void AddProduct(int m, ReadOnlySpan<float> a, int lda, ReducedMatrix b, Span<float> c, int ldc) =>
        AddProduct(m, a, lda, b, c, ldc, 0, b.Panels, IsaSupport.Best);

    /// <inheritdoc cref="AddProduct(int, ReadOnlySpan{float}, int, ReducedMatrix, Span{float}, int)"/>
    internal static void AddProduct(int m, ReadOnlySpan<float> a, int lda, ReducedMatrix b, Span<float> c, int ldc, Isa isa) =>
        AddProduct(m, a, lda, b, c, ldc, 0, b.Panels, isa);

    /// <summary>
    /// As <see cref="AddProduct(int, ReadOnlySpan{float}, int, ReducedMatrix, Span{float}, int)"/> for the columns of the
    /// panels [<paramref name="panelStart"/>, <paramref name="panelEnd"/>) only (16 columns a panel, the last one ragged):
    /// how threads split the columns of one product. C still starts at column 0. Split at even panels (at multiples of 4
    /// best): a 16-bit pair or group cut by a split is read by both sides.
    /// </summary>
    internal static void AddProduct(int m, ReadOnlySpan<float> a, int lda, ReducedMatrix b, Span<float> c, int ldc, int panelStart, int panelEnd) =>
        AddProduct(m, a, lda, b, c, ldc, panelStart, panelEnd, IsaSupport.Best);

    /// <inheritdoc cref="AddProduct(int, ReadOnlySpan{float}, int, ReducedMatrix, Span{float}, int, int, int)"/>
    internal static void AddProduct(int m, ReadOnlySpan<float> a, int lda, ReducedMatrix b, Span<float> c, int ldc, int panelStart, int panelEnd, Isa isa)
    {
        int n = b.Rows;
        int k = b.Columns;
        Debug.Assert(IsaSupport.IsSupported(isa), "instruction set not available");
        Debug.Assert(m >= 0 && lda >= k && ldc >= n, "bad shape");
        Debug.Assert(m == 0 || k == 0 || a.Length >= ((m - 1) * lda) + k, "A too short");
        Debug.Assert(m == 0 || n == 0 || c.Length >= ((m - 1) * ldc) + n, "C too short");
        Debug.Assert(0 <= panelStart && panelStart <= panelEnd && panelEnd <= b.Panels, "bad panel range");
        if (m == 0 || panelStart == panelEnd || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pc = c, scales = b.Scales)
        fixed (uint* pairs = b.Pairs)
        fixed (sbyte* bytes = b.Bytes)
        {
            bool scaleHalf = b.Precision == WeightPrecision.Float16 && InputsBelow(pa, m, k, lda, HalfInputLimit);
            Run(new Job(m, n, k, pa, lda, pc, ldc, panelStart, panelEnd), b.Precision, scaleHalf, isa, pairs, bytes, scales);
        }
    }

    /// <summary>
    /// As <see cref="MatrixMultiply.AddProductPackedSlices"/> for reduced weights: the columns [s·<paramref name="sliceWidth"/>
    /// + <paramref name="start"/>, s·<paramref name="sliceWidth"/> + <paramref name="end"/>) of each slice s, a thread's
    /// units of every gate block, in one call (one look at the inputs' range for float16). The bounds must be multiples of
    /// 16 (whole panels), as for the per-panel form.
    /// </summary>
    internal static void AddProductSlices(
        int m, ReadOnlySpan<float> a, int lda, ReducedMatrix b, Span<float> c, int ldc, int slices, int sliceWidth, int start, int end)
    {
        int n = b.Rows;
        int k = b.Columns;
        Debug.Assert(m >= 0 && lda >= k && ldc >= n, "bad shape");
        Debug.Assert(m == 0 || k == 0 || a.Length >= ((m - 1) * lda) + k, "A too short");
        Debug.Assert(m == 0 || n == 0 || c.Length >= ((m - 1) * ldc) + n, "C too short");
        Debug.Assert(0 <= start && start <= end && end <= sliceWidth && slices * sliceWidth <= n, "bad slices");
        if (m == 0 || start == end || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pc = c, scales = b.Scales)
        fixed (uint* pairs = b.Pairs)
        fixed (sbyte* bytes = b.Bytes)
        {
            bool scaleHalf = b.Precision == WeightPrecision.Float16 && InputsBelow(pa, m, k, lda, HalfInputLimit);
            for (int slice = 0; slice < slices; slice++)
            {
                int panelStart = ((slice * sliceWidth) + start) / PanelWidth;
                int panelEnd = ((slice * sliceWidth) + end + PanelWidth - 1) / PanelWidth;
                Run(new Job(m, n, k, pa, lda, pc, ldc, panelStart, panelEnd), b.Precision, scaleHalf, IsaSupport.Best, pairs, bytes, scales);
            }
        }
    }

    /// <summary>One product on <paramref name="isa"/> with the decoder of <paramref name="precision"/> (float16 inputs
    /// scaled by 2¹¹² when <paramref name="scaleHalf"/>).</summary>
    private static void Run(in Job job, WeightPrecision precision, bool scaleHalf, Isa isa, uint* pairs, sbyte* bytes, float* scales)
    {
        switch (precision)
        {
            case WeightPrecision.BFloat16:
                RunPairs<BFloat16Pairs>(isa, job, pairs);
                break;
            case WeightPrecision.Float16 when scaleHalf:
                RunPairs<Float16Pairs>(isa, job, pairs);
                break;
            case WeightPrecision.Float16:
                RunPairs<Float16PairsUnscaled>(isa, job, pairs);
                break;
            default:
                RunBytes(isa, job, bytes, scales);
                break;
        }
    }

    /// <summary>Whether every |a(i, k)| &lt; limit (false for a NaN).</summary>
    private static bool InputsBelow(float* a, int m, int k, nint lda, float limit)
    {
        for (int i = 0; i < m; i++)
        {
            float max = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(a + (i * lda), k));
            if (!(MathF.Abs(max) < limit))
            {
                return false;
            }
        }

        return true;
    }

    private static void RunPairs<TDecoder>(Isa isa, in Job job, uint* pairs)
        where TDecoder : struct, IPairDecoder
    {
        switch (isa)
        {
            case Isa.Vector512: DrivePairs<Kernel512, TDecoder>(job, pairs); break;
            case Isa.Vector256: DrivePairs<Kernel256, TDecoder>(job, pairs); break;
            case Isa.Vector128: DrivePairs<Kernel128, TDecoder>(job, pairs); break;
            default: AddProductScalar<TDecoder>(job, pairs, null, null); break;
        }
    }

    private static void RunBytes(Isa isa, in Job job, sbyte* bytes, float* scales)
    {
        switch (isa)
        {
            case Isa.Vector512: DriveBytes<Kernel512>(job, bytes, scales); break;
            case Isa.Vector256: DriveBytes<Kernel256>(job, bytes, scales); break;
            case Isa.Vector128: DriveBytes<Kernel128>(job, bytes, scales); break;
            default: AddProductScalar<BFloat16Pairs>(job, null, bytes, scales); break;
        }
    }

    /// <summary>The 16-bit forms: per row block, per group, whole pairs in chunks of the kernel's width.</summary>
    private static void DrivePairs<TKernel, TDecoder>(in Job job, uint* pairs)
        where TKernel : struct, IReducedKernel
        where TDecoder : struct, IPairDecoder
    {
        int panels = (job.N + PanelWidth - 1) / PanelWidth;
        int columnEnd = Math.Min(job.N, job.PanelEnd * PanelWidth);
        for (int i0 = 0; i0 < job.M; i0 += TKernel.MaxRows)
        {
            int rows = Math.Min(TKernel.MaxRows, job.M - i0);
            float* a = job.A + (i0 * job.Lda);
            float* c = job.C + (i0 * job.Ldc);

            // Pairs start at even panels; a pair whose second panel is padding (odd panel count) is stored whole.
            int first = job.PanelStart & ~1;
            for (int p0 = first; p0 < job.PanelEnd; )
            {
                int groupEnd = Math.Min(panels, ((p0 / ReducedMatrix.GroupPanels) + 1) * ReducedMatrix.GroupPanels);
                int end = Math.Min(groupEnd, job.PanelEnd);
                int count = Math.Min(TKernel.MaxPanels, (end - p0 + 1) & ~1);
                int offset = ReducedMatrix.PairOffset(p0, job.N, job.K, out int stride);
                int j0 = p0 * PanelWidth;
                TKernel.Pairs<TDecoder>(
                    rows, count, a, job.Lda, job.K, pairs + offset, stride,
                    c + j0, job.Ldc, Math.Max(0, (job.PanelStart * PanelWidth) - j0), columnEnd - j0);
                p0 += count;
            }
        }
    }

    /// <summary>int8: per row block, per group, panels in chunks of the kernel's width.</summary>
    private static void DriveBytes<TKernel>(in Job job, sbyte* bytes, float* scales)
        where TKernel : struct, IReducedKernel
    {
        int panels = (job.N + PanelWidth - 1) / PanelWidth;
        int columnEnd = Math.Min(job.N, job.PanelEnd * PanelWidth);
        for (int i0 = 0; i0 < job.M; i0 += TKernel.MaxRows)
        {
            int rows = Math.Min(TKernel.MaxRows, job.M - i0);
            float* a = job.A + (i0 * job.Lda);
            float* c = job.C + (i0 * job.Ldc);
            for (int p0 = job.PanelStart; p0 < job.PanelEnd; )
            {
                int groupEnd = Math.Min(panels, ((p0 / ReducedMatrix.GroupPanels) + 1) * ReducedMatrix.GroupPanels);
                int count = Math.Min(TKernel.MaxPanels, Math.Min(groupEnd, job.PanelEnd) - p0);
                int offset = PackedMatrix.PanelOffset(p0, job.N, job.K, out int stride);
                int j0 = p0 * PanelWidth;
                TKernel.Bytes(rows, count, a, job.Lda, job.K, bytes + offset, stride, scales + j0, c + j0, job.Ldc, columnEnd - j0);
                p0 += count;
            }
        }
    }

    /// <summary>
    /// The scalar reference path and the fallback without SIMD: per element, one fused multiply-add chain over K with the
    /// decoded weight (<typeparamref name="TDecoder"/>'s scalar form, or q for int8), then the epilogue; the definition
    /// the vector kernels match bit for bit.
    /// </summary>
    private static void AddProductScalar<TDecoder>(in Job job, uint* pairs, sbyte* bytes, float* scales)
        where TDecoder : struct, IPairDecoder
    {
        float inputScale = TDecoder.InputScale;
        int jEnd = Math.Min(job.N, job.PanelEnd * PanelWidth);
        for (int i = 0; i < job.M; i++)
        {
            float* a = job.A + (i * job.Lda);
            for (int j = job.PanelStart * PanelWidth; j < jEnd; j++)
            {
                int panel = j / PanelWidth;
                float acc = 0f;
                if (bytes is not null)
                {
                    sbyte* column = bytes + PackedMatrix.PanelOffset(panel, job.N, job.K, out int stride) + (j % PanelWidth);
                    for (int kk = 0; kk < job.K; kk++)
                    {
                        acc = MathF.FusedMultiplyAdd(a[kk], column[kk * stride], acc);
                    }

                    job.C[(i * job.Ldc) + j] = MathF.FusedMultiplyAdd(scales[j], acc, job.C[(i * job.Ldc) + j]);
                    continue;
                }

                uint* lanes = pairs + ReducedMatrix.PairOffset(panel, job.N, job.K, out int pairStride) + (j % PanelWidth);
                bool high = panel % 2 == 0;
                for (int kk = 0; kk < job.K; kk++)
                {
                    uint lane = lanes[kk * pairStride];
                    float w = high ? TDecoder.High(lane) : TDecoder.Low(lane);
                    acc = MathF.FusedMultiplyAdd(a[kk] * inputScale, w, acc);
                }

                job.C[(i * job.Ldc) + j] += acc;
            }
        }
    }

    /// <summary>
    /// The write-back of a block cut by N or the panel range, from sums parked on the stack (rows × width, row-major):
    /// c(r, j) += sums(r, j) for start ≤ j &lt; end. Scalar: it runs once per product at most, at its edge.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddRagged(float* c, nint ldc, float* sums, int rows, int width, int start, int end)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = Math.Max(0, start); j < Math.Min(width, end); j++)
            {
                c[(r * ldc) + j] += sums[(r * width) + j];
            }
        }
    }

    /// <summary>As <see cref="AddRagged"/> for int8: c(r, j) = fma(s(j), sums(r, j), c(r, j)) for j &lt; end.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ScaleRagged(float* c, nint ldc, float* scales, float* sums, int rows, int width, int end)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < Math.Min(width, end); j++)
            {
                c[(r * ldc) + j] = MathF.FusedMultiplyAdd(scales[j], sums[(r * width) + j], c[(r * ldc) + j]);
            }
        }
    }

    /// <summary>One product's operands, passed by reference down the drivers.</summary>
    private readonly struct Job(int m, int n, int k, float* a, nint lda, float* c, nint ldc, int panelStart, int panelEnd)
    {
        public readonly int M = m;
        public readonly int N = n;
        public readonly int K = k;
        public readonly float* A = a;
        public readonly nint Lda = lda;
        public readonly float* C = c;
        public readonly nint Ldc = ldc;
        public readonly int PanelStart = panelStart;
        public readonly int PanelEnd = panelEnd;
    }
}
