using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

/// <summary>
/// The one place for matrix products. Row-major matrices with explicit leading dimensions (row strides),
/// so callers can address a column block of a wider matrix (a gate block, one direction's slice) without
/// copying. Every product accumulates (C += ...); zeroing is the caller's explicit step.
/// </summary>
/// <remarks>
/// <para>Shapes use the engine's legend: M rows of the left operand, N columns of the result, K the shared
/// dimension. Every form is reduced to one driver over a(i, k) = A[i·aRow + k·aCol] and a right operand B(k, j)
/// in one of three layouts (<see cref="Layout"/>), and one register-blocked micro-kernel per instruction set
/// (<see cref="Kernel512"/>, <see cref="Kernel256"/>, <see cref="Kernel128"/>), with the scalar
/// <see cref="AddProductScalar"/> as the reference path and the fallback.</para>
/// <para>Blocking: M in blocks of <see cref="MBlock"/> (outermost, so a block's rows of C stay in cache across the K
/// blocks), K in blocks of <see cref="KBlock"/>, N in panels of 16 columns. The K block of a panel of B (≤ 256×16
/// floats, 16 KB; in a <see cref="PackedMatrix"/> its steps lie 256 bytes apart inside a 64-column group) stays in L1
/// while the micro-kernel sweeps the rows of the M block (in L2); each micro-kernel prefetches the C rows it will add
/// to, which matters when C is a fresh gate row from memory. A kernel that sets <see cref="IMicroKernel{TSelf}.PairsPanels"/>
/// (AVX-512: 8 rows × 32 columns) takes two adjacent full panels per call, so each broadcast of a(i, k) feeds two FMAs.
/// One row of A (M = 1, batch-1 inference) takes the matrix-vector path, which streams 4 panels (a
/// packed group: one sequential stream) at once, or two groups on AVX-512, each group through all its K blocks before
/// the next, with enough independent accumulators to hide the FMA latency; it is bound by the bandwidth of the cache
/// level the weights live in, not by FMAs. Packed weights start on a 64-byte boundary, so no vector load splits.</para>
/// <para>Summation order, the same on every path and for every M, N, thread split and instruction set: each
/// element of C gets, per K block in increasing order, C += (((0 + a₀b₀) + a₁b₁) + …), one fused multiply-add per
/// k. So results are bit-identical run to run, a row's result does not depend on the batch it is in (a
/// <see cref="RecurrentLayer.Step"/> equals the same row of a forward pass; threads that split rows or column
/// panels give the one-thread result), and where the hardware has FMA the SIMD paths equal the scalar path bit for bit.</para>
/// </remarks>
[SkipLocalsInit]
internal static unsafe partial class MatrixMultiply
{
    /// <summary>Columns of C per panel: 16 floats, one Vector512 or two Vector256 per micro-kernel row.</summary>
    internal const int PanelWidth = PackedMatrix.PanelWidth;

    /// <summary>K block: a 256×16 panel of B is 16 KB, half of L1d.</summary>
    internal const int KBlock = 256;

    /// <summary>M block: 192×256 floats of A (192 KB) stay in L2 while all panels of B pass by.</summary>
    internal const int MBlock = 192;

    /// <summary>Panels the matrix-vector path streams at once.</summary>
    internal const int GemvPanels = 4;

    /// <summary>How B(k, j) is stored.</summary>
    internal enum Layout
    {
        /// <summary><see cref="PackedMatrix"/>: 64-column groups, B(k, j) = data[(⌊j/64⌋·K + k)·64 + j mod 64] (narrower last group).</summary>
        Packed,

        /// <summary>K×N row-major: B(k, j) = b[k·ldb + j] (the dG·W and Aᵀ·B forms).</summary>
        RowMajor,

        /// <summary>N×K row-major, used transposed: B(k, j) = b[j·ldb + k] (the x·Wᵀ form with unpacked W).</summary>
        Transposed,
    }

    /// <summary>The widest instruction set this machine runs: what the public entry points use.</summary>
    internal static Isa Best => IsaSupport.Best;

    /// <summary>Whether <paramref name="isa"/> can run here.</summary>
    internal static bool IsSupported(Isa isa) => IsaSupport.IsSupported(isa);

    /// <summary>C (M×N) += A (M×K) · Bᵀ, where B is stored N×K: the x·Wᵀ form of every gate projection.</summary>
    /// <remarks>B is packed into 16-column panels on the stack as the product goes; when B is a weight used many
    /// times, pack it once with <see cref="PackedMatrix"/> and call <see cref="AddProductPacked(int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int)"/>.</remarks>
    public static void AddProductTransposedB(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc) =>
        AddProductTransposedB(m, n, k, a, lda, b, ldb, c, ldc, Best);

    /// <inheritdoc cref="AddProductTransposedB(int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int)"/>
    internal static void AddProductTransposedB(
        int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, Isa isa)
    {
        AssertShape(m, k, a, lda);
        AssertShape(n, k, b, ldb);
        AssertShape(m, n, c, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(isa, m, n, k, pa, lda, 1, pb, ldb, Layout.Transposed, pc, ldc);
        }
    }

    /// <summary>C (M×N) += A (M×K) · W'ᵀ with W' (N×K) pre-packed: the hot form of the gate projections.</summary>
    public static void AddProductPacked(int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc) =>
        AddProductPacked(m, a, lda, b, c, ldc, Best);

    /// <inheritdoc cref="AddProductPacked(int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int)"/>
    internal static void AddProductPacked(int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, Isa isa)
    {
        int n = b.Rows;
        int k = b.Columns;
        AssertShape(m, k, a, lda);
        AssertShape(m, n, c, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b.Data, pc = c)
        {
            Run(isa, m, n, k, pa, lda, 1, pb, k, Layout.Packed, pc, ldc);
        }
    }

    /// <summary>
    /// As <see cref="AddProductPacked(int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int)"/> for the columns
    /// of the panels [<paramref name="panelStart"/>, <paramref name="panelEnd"/>) only (16 columns a panel, the last one
    /// ragged): how threads split the columns of one product. C still starts at column 0.
    /// </summary>
    internal static void AddProductPacked(int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, int panelStart, int panelEnd)
    {
        int n = b.Rows;
        int k = b.Columns;
        AssertShape(m, k, a, lda);
        AssertShape(m, n, c, ldc);
        Debug.Assert(0 <= panelStart && panelStart <= panelEnd && panelEnd <= (n + PanelWidth - 1) / PanelWidth, "bad panel range");
        if (m == 0 || panelStart == panelEnd || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b.Data, pc = c)
        {
            Run(Best, m, n, k, pa, lda, 1, pb, k, Layout.Packed, pc, ldc, panelStart, panelEnd);
        }
    }

    /// <summary>
    /// As <see cref="AddProductPacked(int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int, int, int)"/> for the
    /// columns [s·<paramref name="sliceWidth"/> + <paramref name="start"/>, s·<paramref name="sliceWidth"/> + <paramref name="end"/>)
    /// of each slice s &lt; <paramref name="slices"/>: the same hidden units of every gate block, which is a thread's share
    /// of a step split by units, in one call. One row of whole 64-column groups goes through the matrix-vector kernel two
    /// groups at a time on AVX-512, across gate blocks (H = 128 on 2 threads: 1.42–1.47 against 1.6–1.7 µs for one call
    /// per gate block); other shapes take one product per slice. Every column gets the bits of the plain product.
    /// </summary>
    internal static void AddProductPackedSlices(
        int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, int slices, int sliceWidth, int start, int end)
    {
        int n = b.Rows;
        int k = b.Columns;
        AssertShape(m, k, a, lda);
        AssertShape(m, n, c, ldc);
        Debug.Assert(0 <= start && start <= end && end <= sliceWidth && slices * sliceWidth <= n, "bad slices");
        if (m == 0 || start == end || k == 0)
        {
            return;
        }

        const int group = GemvPanels * PanelWidth;
        bool wholeGroups = m == 1 && n % group == 0 && sliceWidth % group == 0 && start % group == 0 && end % group == 0;
        fixed (float* pa = a, pb = b.Data, pc = c)
        {
            if (wholeGroups && Best != Isa.Scalar)
            {
                int sliceGroups = sliceWidth / group;
                switch (Best)
                {
                    case Isa.Vector512:
                        GemvSlices<Kernel512>(n, k, pa, pb, pc, slices, sliceGroups, start / group, end / group);
                        return;
                    case Isa.Vector256:
                        GemvSlices<Kernel256>(n, k, pa, pb, pc, slices, sliceGroups, start / group, end / group);
                        return;
                    default:
                        GemvSlices<Kernel128>(n, k, pa, pb, pc, slices, sliceGroups, start / group, end / group);
                        return;
                }
            }

            for (int slice = 0; slice < slices; slice++)
            {
                int first = (slice * sliceWidth) + start;
                Run(Best, m, n, k, pa, lda, 1, pb, k, Layout.Packed, pc, ldc, first / PanelWidth, ((slice * sliceWidth) + end + PanelWidth - 1) / PanelWidth);
            }
        }
    }

    /// <summary>The whole-group matrix-vector case of <see cref="AddProductPackedSlices"/>, in groups of 64 columns:
    /// groups [g0, g1) of every slice of <paramref name="sliceGroups"/> groups, two per kernel call.</summary>
    private static void GemvSlices<TKernel>(int n, int k, float* a, float* b, float* c, int slices, int sliceGroups, int g0, int g1)
        where TKernel : struct, IMicroKernel<TKernel>
    {
        const int group = GemvPanels * PanelWidth;
        int perSlice = g1 - g0;
        int total = slices * perSlice;
        for (int unit = 0; unit < total; unit += 2)
        {
            int first = ((unit / perSlice) * sliceGroups) + g0 + (unit % perSlice);
            int second = unit + 1 < total ? (((unit + 1) / perSlice) * sliceGroups) + g0 + ((unit + 1) % perSlice) : -1;
            float* b0 = b + ((nint)first * group * k);
            float* b1 = b + ((nint)second * group * k);
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kLen = Math.Min(KBlock, k - k0);
                nint skip = (nint)k0 * group;
                if (second >= 0 && TKernel.PairsGroups)
                {
                    TKernel.Gemv8(a + k0, 1, b0 + skip, b1 + skip, group, kLen, c + (first * group), c + (second * group), group);
                    continue;
                }

                TKernel.Gemv4(a + k0, 1, b0 + skip, b0 + skip + PanelWidth, b0 + skip + (2 * PanelWidth), b0 + skip + (3 * PanelWidth), group, kLen, c + (first * group), group);
                if (second >= 0)
                {
                    TKernel.Gemv4(a + k0, 1, b1 + skip, b1 + skip + PanelWidth, b1 + skip + (2 * PanelWidth), b1 + skip + (3 * PanelWidth), group, kLen, c + (second * group), group);
                }
            }
        }
    }

    /// <summary>
    /// c (N) += a₁·W₁ᵀ + a₂·W₂ᵀ for one row, with W = [W₁ | W₂] packed by <see cref="PackedMatrix.RefreshStacked"/>, in
    /// one pass over W (each 64-column group once, both parts): the bits of c += a₁·W₁ᵀ followed by c += a₂·W₂ᵀ as two
    /// <see cref="AddProductPacked(int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int)"/> calls, since each
    /// part keeps its own K blocks and its own write-backs. A batch-1 step's two products in one stream: 94 against 100 µs
    /// for I = H = 512 (one pass over 8 MB instead of two over 4 MB), 5.04 against 5.11 µs for I = H = 128, where both
    /// matrices sit in L2 anyway. Vector ISAs only (<see cref="CanAddStacked"/>).
    /// </summary>
    internal static void AddProductStacked(ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, PackedMatrix b, Span<float> c)
    {
        int n = b.Rows;
        int k = b.Columns;
        int split = b.StackSplit;
        Debug.Assert(split >= 0 && split <= k, "not a stacked matrix");
        Debug.Assert(a1.Length >= split && a2.Length >= k - split && c.Length >= n, "a or c too short");
        fixed (float* pa1 = a1, pa2 = a2, pb = b.Data, pc = c)
        {
            switch (Best)
            {
                case Isa.Vector512:
                    GemvStacked<Kernel512>(n, k, split, pa1, pa2, pb, pc);
                    break;
                case Isa.Vector256:
                    GemvStacked<Kernel256>(n, k, split, pa1, pa2, pb, pc);
                    break;
                default:
                    Debug.Assert(Best == Isa.Vector128, "scalar machines take the two-call path");
                    GemvStacked<Kernel128>(n, k, split, pa1, pa2, pb, pc);
                    break;
            }
        }
    }

    /// <summary>Whether <see cref="AddProductStacked"/> runs on this machine (some vector ISA; the scalar path keeps two calls).</summary>
    internal static bool CanAddStacked => Best != Isa.Scalar;

    private static void GemvStacked<TKernel>(int n, int k, int split, float* a1, float* a2, float* b, float* c)
        where TKernel : struct, IMicroKernel<TKernel>
    {
        // The units of DriveVector for a packed B from panel 0: pairs of groups where the kernel takes them, then whole
        // groups, then the panels of a short last group one by one; each unit goes through part 1's K blocks, then part 2's.
        int panels = (n + PanelWidth - 1) / PanelWidth;
        int groups = panels / GemvPanels;
        int pairs = TKernel.PairsGroups ? groups / 2 : 0;
        int p = 0;
        while (p < panels)
        {
            int width = p < 2 * pairs * GemvPanels ? 2 * GemvPanels : p < groups * GemvPanels ? GemvPanels : 1;
            int offset = PackedMatrix.PanelOffset(p, n, k, out int stride);
            int secondOffset = width == 2 * GemvPanels ? PackedMatrix.PanelOffset(p + GemvPanels, n, k, out _) : 0;
            for (int part = 0; part < 2; part++)
            {
                int start = part == 0 ? 0 : split;
                int end = part == 0 ? split : k;
                float* a = part == 0 ? a1 : a2 - split; // a[k] for k in [start, end)
                for (int k0 = start; k0 < end; k0 += KBlock)
                {
                    int kLen = Math.Min(KBlock, end - k0);
                    float* bp = b + offset + ((nint)k0 * stride);
                    float* cp = c + (p * PanelWidth);
                    if (width == 2 * GemvPanels)
                    {
                        TKernel.Gemv8(a + k0, 1, bp, b + secondOffset + ((nint)k0 * stride), stride, kLen, cp, cp + (4 * PanelWidth), n - ((p + 4) * PanelWidth));
                    }
                    else if (width == GemvPanels)
                    {
                        TKernel.Gemv4(a + k0, 1, bp, bp + PanelWidth, bp + (2 * PanelWidth), bp + (3 * PanelWidth), stride, kLen, cp, n - (p * PanelWidth));
                    }
                    else
                    {
                        TKernel.Block(1, a + k0, 0, 1, bp, stride, kLen, cp, 0, Math.Min(PanelWidth, n - (p * PanelWidth)));
                    }
                }
            }

            p += width;
        }
    }

    /// <summary>C (M×N) += A (M×K) · B (K×N): the dG·W form that carries gradients back to inputs and states.</summary>
    public static void AddProduct(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc) =>
        AddProduct(m, n, k, a, lda, b, ldb, c, ldc, Best);

    /// <inheritdoc cref="AddProduct(int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int)"/>
    internal static void AddProduct(
        int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, Isa isa)
    {
        AssertShape(m, k, a, lda);
        AssertShape(k, n, b, ldb);
        AssertShape(m, n, c, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            Run(isa, m, n, k, pa, lda, 1, pb, ldb, Layout.RowMajor, pc, ldc);
        }
    }

    /// <summary>
    /// C (M×N) += Aᵀ · B, where A is stored K×M and B is K×N: the weight-gradient form dW += dGᵀ·X,
    /// summed over all K = T·B rows at once.
    /// </summary>
    public static void AddProductTransposedA(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc) =>
        AddProductTransposedA(m, n, k, a, lda, b, ldb, c, ldc, Best);

    /// <inheritdoc cref="AddProductTransposedA(int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int)"/>
    internal static void AddProductTransposedA(
        int m, int n, int k, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, Isa isa)
    {
        AssertShape(k, m, a, lda);
        AssertShape(k, n, b, ldb);
        AssertShape(m, n, c, ldc);
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            // a(i, k) = A[k·lda + i]: the micro-kernel's rows are A's columns.
            Run(isa, m, n, k, pa, 1, lda, pb, ldb, Layout.RowMajor, pc, ldc);
        }
    }

    /// <summary>Adds <paramref name="vector"/> (N) to each of the M rows of C.</summary>
    public static void AddToRows(int m, int n, ReadOnlySpan<float> vector, Span<float> c, int ldc)
    {
        AssertShape(m, n, c, ldc);
        for (int row = 0; row < m; row++)
        {
            Span<float> cRow = c.Slice(row * ldc, n);
            System.Numerics.Tensors.TensorPrimitives.Add(cRow, vector.Slice(0, n), cRow);
        }
    }

    /// <summary>sum (N) += Σ over the M rows of A: the bias gradient.</summary>
    public static void AddRowSums(int m, int n, ReadOnlySpan<float> a, int lda, Span<float> sum)
    {
        AssertShape(m, n, a, lda);
        Span<float> target = sum.Slice(0, n);
        for (int row = 0; row < m; row++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(target, a.Slice(row * lda, n), target);
        }
    }

    private static void Run(
        Isa isa, int m, int n, int k, float* a, nint aRow, nint aCol, float* b, nint ldb, Layout layout, float* c, nint ldc,
        int panelStart = 0, int panelEnd = int.MaxValue)
    {
        Debug.Assert(IsSupported(isa), "instruction set not available");
        panelEnd = Math.Min(panelEnd, (n + PanelWidth - 1) / PanelWidth);
        switch (isa)
        {
            case Isa.Vector512:
                Drive<Kernel512>(m, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, panelStart, panelEnd);
                break;
            case Isa.Vector256:
                Drive<Kernel256>(m, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, panelStart, panelEnd);
                break;
            case Isa.Vector128:
                Drive<Kernel128>(m, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, panelStart, panelEnd);
                break;
            default:
                AddProductScalar(m, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, panelStart, panelEnd);
                break;
        }
    }

    /// <summary>The blocked loops around a micro-kernel (see the class remarks for the order).</summary>
    private static void Drive<TKernel>(
        int m, int n, int k, float* a, nint aRow, nint aCol, float* b, nint ldb, Layout layout, float* c, nint ldc, int panelStart, int panelEnd)
        where TKernel : struct, IMicroKernel<TKernel>
    {
        // Panels that are not usable in place (transposed B, or the ragged last panel of a row-major B) are
        // copied, zero-padded to 16 columns, into this stack scratch: one K block of one panel (4 for the
        // matrix-vector path), at most 64 KB.
        bool copies = layout == Layout.Transposed || (layout == Layout.RowMajor && n % PanelWidth != 0);
        int scratchLength = copies ? (m == 1 ? GemvPanels : 1) * Math.Min(k, KBlock) * PanelWidth : 0;
        Span<float> scratchSpan = copies ? stackalloc float[scratchLength] : default;
        fixed (float* scratch = scratchSpan)
        {
            if (m == 1)
            {
                DriveVector<TKernel>(n, k, a, aRow, aCol, b, ldb, layout, c, ldc, panelStart, panelEnd, scratch);
                return;
            }

            // Matrix-matrix: the M block outermost, so its rows of C (≤ 192 × N) stay in cache across the K blocks
            // instead of going out to memory and back once per K block (26 MB of C at T·B = 3200, N = 2048). Each
            // element still gets its K blocks in increasing order.
            for (int i0 = 0; i0 < m; i0 += MBlock)
            {
                int iEnd = Math.Min(m, i0 + MBlock);
                for (int k0 = 0; k0 < k; k0 += KBlock)
                {
                    int kLen = Math.Min(KBlock, k - k0);
                    float* aBlock = a + (k0 * aCol);
                    for (int p = panelStart; p < panelEnd; p++)
                    {
                        float* bp = Panel(p, k0, kLen, n, k, b, ldb, layout, scratch, out nint stride);
                        int cols = Math.Min(PanelWidth, n - (p * PanelWidth));
                        float* cPanel = c + (p * PanelWidth);
                        if (TKernel.PairsPanels && p + 1 < panelEnd && PairsInPlace(p, n, layout))
                        {
                            // Panels p and p + 1 sit 16 floats apart with one stride: one kernel call for both.
                            int r = i0;
                            for (; r + TKernel.Rows <= iEnd; r += TKernel.Rows)
                            {
                                TKernel.BlockPair(TKernel.Rows, aBlock + (r * aRow), aRow, aCol, bp, stride, kLen, cPanel + (r * ldc), ldc);
                            }

                            if (r < iEnd)
                            {
                                TKernel.BlockPair(iEnd - r, aBlock + (r * aRow), aRow, aCol, bp, stride, kLen, cPanel + (r * ldc), ldc);
                            }

                            p++;
                            continue;
                        }

                        int i = i0;
                        for (; i + TKernel.Rows <= iEnd; i += TKernel.Rows)
                        {
                            TKernel.Block(TKernel.Rows, aBlock + (i * aRow), aRow, aCol, bp, stride, kLen, cPanel + (i * ldc), ldc, cols);
                        }

                        if (i < iEnd)
                        {
                            TKernel.Block(iEnd - i, aBlock + (i * aRow), aRow, aCol, bp, stride, kLen, cPanel + (i * ldc), ldc, cols);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The matrix-vector path of <see cref="Drive{TKernel}"/> (M = 1): units of 4 panels (for a packed B, the 64-column
    /// groups it is stored in; for a row-major one, full panels only), the rest one panel at a time. Each unit goes through
    /// all its K blocks before the next unit starts, so a packed B is read front to back as one stream (a K-block-outer
    /// order jumps by a group's K block at every unit and restarts the hardware prefetcher each time: 52 against 44 µs for
    /// H = 512). Each element still gets its K blocks in increasing order, so the order of units changes no bit.
    /// </summary>
    private static void DriveVector<TKernel>(
        int n, int k, float* a, nint aRow, nint aCol, float* b, nint ldb, Layout layout, float* c, nint ldc, int panelStart, int panelEnd, float* scratch)
        where TKernel : struct, IMicroKernel<TKernel>
    {
        int p = panelStart;
        if (layout == Layout.Packed)
        {
            for (; p < panelEnd && p % GemvPanels != 0; p++)
            {
                PanelVector<TKernel>(p, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, scratch);
            }
        }

        int grouped = layout == Layout.RowMajor ? Math.Min(panelEnd, n / PanelWidth) : panelEnd;
        if (TKernel.PairsGroups && layout != Layout.Transposed)
        {
            // Two groups in place: packed groups are stored one after the other, row-major panels 16 columns apart.
            for (; p + (2 * GemvPanels) <= grouped; p += 2 * GemvPanels)
            {
                for (int k0 = 0; k0 < k; k0 += KBlock)
                {
                    int kLen = Math.Min(KBlock, k - k0);
                    float* b0 = Panel(p, k0, kLen, n, k, b, ldb, layout, scratch, out nint stride);
                    float* b1 = Panel(p + GemvPanels, k0, kLen, n, k, b, ldb, layout, scratch, out _);
                    TKernel.Gemv8(a + (k0 * aCol), aCol, b0, b1, stride, kLen, c + (p * PanelWidth), c + ((p + 4) * PanelWidth), n - ((p + 4) * PanelWidth));
                }
            }
        }

        for (; p + GemvPanels <= grouped; p += GemvPanels)
        {
            for (int k0 = 0; k0 < k; k0 += KBlock)
            {
                int kLen = Math.Min(KBlock, k - k0);
                float* b0 = Panel(p, k0, kLen, n, k, b, ldb, layout, scratch, out nint stride);
                float* b1 = Panel(p + 1, k0, kLen, n, k, b, ldb, layout, scratch + (kLen * PanelWidth), out _);
                float* b2 = Panel(p + 2, k0, kLen, n, k, b, ldb, layout, scratch + (2 * kLen * PanelWidth), out _);
                float* b3 = Panel(p + 3, k0, kLen, n, k, b, ldb, layout, scratch + (3 * kLen * PanelWidth), out _);
                TKernel.Gemv4(a + (k0 * aCol), aCol, b0, b1, b2, b3, stride, kLen, c + (p * PanelWidth), n - (p * PanelWidth));
            }
        }

        for (; p < panelEnd; p++)
        {
            PanelVector<TKernel>(p, n, k, a, aRow, aCol, b, ldb, layout, c, ldc, scratch);
        }
    }

    /// <summary>One row × one panel p over all K blocks: the matrix-vector path's single panels.</summary>
    private static void PanelVector<TKernel>(int p, int n, int k, float* a, nint aRow, nint aCol, float* b, nint ldb, Layout layout, float* c, nint ldc, float* scratch)
        where TKernel : struct, IMicroKernel<TKernel>
    {
        for (int k0 = 0; k0 < k; k0 += KBlock)
        {
            int kLen = Math.Min(KBlock, k - k0);
            float* bp = Panel(p, k0, kLen, n, k, b, ldb, layout, scratch, out nint stride);
            TKernel.Block(1, a + (k0 * aCol), aRow, aCol, bp, stride, kLen, c + (p * PanelWidth), ldc, Math.Min(PanelWidth, n - (p * PanelWidth)));
        }
    }

    /// <summary>Whether panels p and p + 1 are both full and read in place 16 floats apart with one stride: in one
    /// 64-column group of a packed B (p even), or anywhere in a row-major B.</summary>
    private static bool PairsInPlace(int p, int n, Layout layout) =>
        n - ((p + 1) * PanelWidth) >= PanelWidth && layout switch
        {
            Layout.Packed => p % 2 == 0,
            Layout.RowMajor => true,
            _ => false,
        };

    /// <summary>
    /// Where the K block [k0, k0 + kLen) of panel p (columns 16p … 16p + 15) of B can be read, 16 consecutive
    /// floats per k with a stride of <paramref name="stride"/> floats between k and k + 1; copies into
    /// <paramref name="scratch"/> (zero-padding columns past N) when B's own layout does not fit.
    /// </summary>
    private static float* Panel(int p, int k0, int kLen, int n, int k, float* b, nint ldb, Layout layout, float* scratch, out nint stride)
    {
        int j0 = p * PanelWidth;
        int cols = Math.Min(PanelWidth, n - j0);
        switch (layout)
        {
            case Layout.Packed:
            {
                int offset = PackedMatrix.PanelOffset(p, n, k, out int groupStride);
                stride = groupStride;
                return b + offset + ((nint)k0 * groupStride);
            }

            case Layout.RowMajor when cols == PanelWidth:
                stride = ldb;
                return b + (k0 * ldb) + j0;

            case Layout.RowMajor:
                for (int kk = 0; kk < kLen; kk++)
                {
                    float* source = b + ((k0 + kk) * ldb) + j0;
                    float* target = scratch + (kk * PanelWidth);
                    for (int j = 0; j < cols; j++)
                    {
                        target[j] = source[j];
                    }

                    for (int j = cols; j < PanelWidth; j++)
                    {
                        target[j] = 0f;
                    }
                }

                break;

            default:
                // Transposed: row j0 + j of the stored N×K matrix is column j of the panel.
                for (int j = 0; j < cols; j++)
                {
                    float* source = b + ((j0 + j) * ldb) + k0;
                    for (int kk = 0; kk < kLen; kk++)
                    {
                        scratch[(kk * PanelWidth) + j] = source[kk];
                    }
                }

                for (int j = cols; j < PanelWidth; j++)
                {
                    for (int kk = 0; kk < kLen; kk++)
                    {
                        scratch[(kk * PanelWidth) + j] = 0f;
                    }
                }

                break;
        }

        stride = PanelWidth;
        return scratch;
    }

    [Conditional("DEBUG")]
    private static void AssertShape(int rows, int cols, ReadOnlySpan<float> matrix, int ld)
    {
        Debug.Assert(rows >= 0 && cols >= 0 && ld >= cols, "bad matrix shape");
        Debug.Assert(rows == 0 || cols == 0 || matrix.Length >= ((rows - 1) * ld) + cols, "matrix span too short");
    }
}
