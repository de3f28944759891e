using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// Every product form of <see cref="MatrixMultiply"/> on every instruction set this machine runs, against the
/// scalar path and against a float64 oracle: ragged sizes around the vector and panel widths, leading dimensions
/// wider than the matrices, accumulation into non-zero C, run-to-run determinism and NaN propagation.
/// </summary>
public sealed class MatrixMultiplyTests
{
    private const int Seed = 20240611;

    // The float32 result of c + Σ aₖbₖ (K terms, then the add into C) may differ from the float64 one by at most
    // γ_(K+2)·(|c| + Σ|aₖbₖ|), γ_n ≈ n·u (Higham, Accuracy and Stability, 3.1), u = 2⁻²⁴ the unit roundoff.
    private const double UnitRoundoff = 5.96e-8;

    // Where the hardware fuses multiply-adds, every path computes the same chain of fused operations in the same
    // order (see MatrixMultiply's remarks) and must match the scalar path bit for bit; elsewhere (Vector128 without
    // FMA multiplies then adds) by one rounding per term, this many ε of the same bound.
    private static readonly bool FusedEverywhere = Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>One form: how A, B and C are laid out, and how to call it.</summary>
    public enum Form
    {
        TransposedB,
        Packed,
        PackedTransposed,
        RowMajor,
        TransposedA,
    }

    public static TheoryData<Form, IsaLevel> FormsAndIsas()
    {
        var data = new TheoryData<Form, IsaLevel>();
        foreach (Form form in Enum.GetValues<Form>())
        {
            foreach (IsaLevel isa in Enum.GetValues<IsaLevel>())
            {
                data.Add(form, isa);
            }
        }

        return data;
    }

    // Sizes around the 4-, 8- and 16-wide vectors, the 16-column panel, the 4 panels of the matrix-vector path,
    // the 8-row micro-kernel, the 192-row M block and the 256-deep K block.
    private static readonly int[] Ragged = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 40, 63, 64, 65, 127, 128, 129];
    private static readonly int[] Deep = [0, 1, 7, 8, 9, 31, 33, 255, 256, 257, 511, 512, 513];

    private static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (int m in Ragged)
        {
            yield return (m, 37, 29);
        }

        foreach (int n in Ragged)
        {
            yield return (1, n, 23);
            yield return (9, n, 23);
        }

        // The matrix-vector path's 8-panel kernel: a ragged eighth panel, a pair then a lone group, and two K blocks.
        foreach (int n in new[] { 113, 120, 127, 191, 255, 511, 512, 513 })
        {
            yield return (1, n, 40);
            yield return (5, n, 17);
        }

        foreach (int k in Deep)
        {
            yield return (1, 65, k);
            yield return (6, 19, k);
        }

        yield return (200, 33, 40);   // crosses the 192-row M block
        yield return (33, 129, 300);  // ragged everywhere, two K blocks
        yield return (1, 6 * 16 + 7, 257);
        yield return (1, 250, 300);
    }

    [Theory]
    [MemberData(nameof(FormsAndIsas))]
    public void Product_RaggedShapes_MatchesScalarPathAndFloat64(Form form, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!MatrixMultiply.IsSupported(isa))
        {
            return; // this machine cannot run it; the DOTNET_Enable* runs of the suite cover the others
        }

        var random = new Random(Seed);
        foreach ((int m, int n, int k) in Shapes())
        {
            var problem = Problem.Create(form, m, n, k, random);
            float[] fast = problem.Run(isa);
            float[] scalar = problem.Run(Isa.Scalar);
            (double[] exact, double[] magnitude) = problem.Float64();
            string where = $"{form} {isa} M={m} N={n} K={k}";
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < problem.Ldc; j++)
                {
                    int at = (i * problem.Ldc) + j;
                    if (j >= n)
                    {
                        // The padding of C past column N is never touched.
                        Assert.True(BitConverter.SingleToInt32Bits(fast[at]) == BitConverter.SingleToInt32Bits(problem.C[at]), $"{where}: wrote C[{i}, {j}] past N");
                        continue;
                    }

                    double bound = (k + 2) * UnitRoundoff * magnitude[at];
                    Assert.True(Math.Abs(fast[at] - exact[at]) <= bound, $"{where}: C[{i}, {j}] = {fast[at]}, float64 {exact[at]}");
                    if (FusedEverywhere)
                    {
                        Assert.True(BitConverter.SingleToInt32Bits(fast[at]) == BitConverter.SingleToInt32Bits(scalar[at]), $"{where}: C[{i}, {j}] = {fast[at]}, scalar {scalar[at]}");
                    }
                    else
                    {
                        Assert.True(Math.Abs(fast[at] - scalar[at]) <= 2 * bound, $"{where}: C[{i}, {j}] = {fast[at]}, scalar {scalar[at]}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(FormsAndIsas))]
    public void Product_RunTwice_BitIdentical(Form form, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!MatrixMultiply.IsSupported(isa))
        {
            return;
        }

        var problem = Problem.Create(form, 37, 129, 300, new Random(Seed));
        float[] first = problem.Run(isa);
        float[] second = problem.Run(isa);
        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(FormsAndIsas))]
    public void Product_RowOfBatch_EqualsSameRowAlone(Form form, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!MatrixMultiply.IsSupported(isa) || form == Form.TransposedA)
        {
            return; // in Aᵀ·B a row of C is a column of A: there is no "row alone" call to compare with
        }

        // A step of batch 1 must give the numbers of the same row in a batch (Step vs Forward).
        var problem = Problem.Create(form, 13, 70, 300, new Random(Seed));
        float[] batch = problem.Run(isa);
        for (int row = 0; row < 13; row++)
        {
            float[] alone = problem.RunRow(isa, row);
            for (int j = 0; j < 70; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(batch[(row * problem.Ldc) + j]), BitConverter.SingleToInt32Bits(alone[j]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(FormsAndIsas))]
    public void Product_NaNInA_SpoilsOnlyItsRow(Form form, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!MatrixMultiply.IsSupported(isa))
        {
            return;
        }

        var random = new Random(Seed);
        var problem = Problem.Create(form, 11, 45, 70, random);
        int badRow = random.Next(11);
        int badK = random.Next(70);
        problem.SetA(badRow, badK, float.NaN);
        float[] result = problem.Run(isa);
        for (int i = 0; i < 11; i++)
        {
            for (int j = 0; j < 45; j++)
            {
                float value = result[(i * problem.Ldc) + j];
                Assert.True(i == badRow ? float.IsNaN(value) : float.IsFinite(value), $"seed {Seed}: C[{i}, {j}] = {value}, NaN at a({badRow}, {badK})");
            }
        }
    }

    [Fact]
    public void PackedMatrix_Refresh_RepacksOnlyWhenTheVersionMoves()
    {
        float[] w = [1, 2, 3, 4, 5, 6];   // 2×3
        var packed = new PackedMatrix();
        packed.Refresh(1, 2, 3, w);
        Assert.Equal(1f, packed.Data[0]);
        Assert.Equal(4f, packed.Data[1]);
        Assert.Equal(2f, packed.Data[16]);

        w[0] = 10;
        packed.Refresh(1, 2, 3, w);
        Assert.Equal(1f, packed.Data[0]);
        packed.Refresh(2, 2, 3, w);
        Assert.Equal(10f, packed.Data[0]);
        Assert.Equal(0f, packed.Data[2]);  // zero padding past N
    }

    /// <summary>
    /// A random instance of one form with leading dimensions wider than the matrices (A, B, C rows padded by
    /// 3, 5, 7 elements; C's padding holds a sentinel that must survive) and a non-zero C to accumulate into.
    /// </summary>
    private sealed class Problem
    {
        private float[] _a = [];
        private float[] _b = [];
        private int _lda;
        private int _ldb;
        private Form _form;
        private int _m;
        private int _n;
        private int _k;
        private PackedMatrix? _packed;

        public float[] C { get; private set; } = [];

        public int Ldc { get; private set; }

        public static Problem Create(Form form, int m, int n, int k, Random random)
        {
            var p = new Problem { _form = form, _m = m, _n = n, _k = k, Ldc = n + 7 };
            (int aRows, int aCols) = form == Form.TransposedA ? (k, m) : (m, k);
            (int bRows, int bCols) = form is Form.RowMajor or Form.TransposedA or Form.PackedTransposed ? (k, n) : (n, k);
            p._lda = aCols + 3;
            p._ldb = bCols + 5;
            p._a = Fill(aRows, aCols, p._lda, random);
            p._b = Fill(bRows, bCols, p._ldb, random);
            p.C = Fill(m, n, p.Ldc, random);
            for (int i = 0; i < m; i++)
            {
                for (int j = n; j < p.Ldc; j++)
                {
                    p.C[(i * p.Ldc) + j] = -12345f;
                }
            }

            if (form == Form.Packed)
            {
                p._packed = new PackedMatrix();
                p._packed.Pack(n, k, p._b, p._ldb);
            }
            else if (form == Form.PackedTransposed)
            {
                p._packed = new PackedMatrix();
                p._packed.PackTransposed(n, k, p._b, p._ldb);
            }

            return p;
        }

        public void SetA(int row, int inner, float value) =>
            _a[_form == Form.TransposedA ? (inner * _lda) + row : (row * _lda) + inner] = value;

        public float[] Run(Isa isa)
        {
            float[] c = (float[])C.Clone();
            Call(isa, _m, _a, c);
            return c;
        }

        public float[] RunRow(Isa isa, int row)
        {
            float[] c = C.AsSpan(row * Ldc, _n).ToArray();
            Call(isa, 1, _a.AsSpan(row * _lda).ToArray(), c);
            return c;
        }

        /// <summary>C + A·B in float64, and |C| + Σ|aₖbₖ| per element (the scale of its rounding error).</summary>
        public (double[] Exact, double[] Magnitude) Float64()
        {
            double[] c = Array.ConvertAll(C, v => (double)v);
            double[] magnitude = Array.ConvertAll(C, v => (double)Math.Abs(v));
            for (int i = 0; i < _m; i++)
            {
                for (int j = 0; j < _n; j++)
                {
                    double sum = 0;
                    double absolute = 0;
                    for (int q = 0; q < _k; q++)
                    {
                        double a = _form == Form.TransposedA ? _a[(q * _lda) + i] : _a[(i * _lda) + q];
                        double b = _form is Form.RowMajor or Form.TransposedA or Form.PackedTransposed ? _b[(q * _ldb) + j] : _b[(j * _ldb) + q];
                        sum += a * b;
                        absolute += Math.Abs(a * b);
                    }

                    c[(i * Ldc) + j] += sum;
                    magnitude[(i * Ldc) + j] += absolute;
                }
            }

            return (c, magnitude);
        }

        private void Call(Isa isa, int m, float[] a, float[] c)
        {
            // Spans cut to exactly the elements the shapes address, so a read past them would be an error in the kernel.
            ReadOnlySpan<float> aSpan = a.AsSpan(0, Math.Min(a.Length, Used(_form == Form.TransposedA ? _k : m, _form == Form.TransposedA ? m : _k, _lda)));
            Span<float> cSpan = c.AsSpan(0, Used(m, _n, Ldc));
            switch (_form)
            {
                case Form.TransposedB:
                    MatrixMultiply.AddProductTransposedB(m, _n, _k, aSpan, _lda, _b.AsSpan(0, Used(_n, _k, _ldb)), _ldb, cSpan, Ldc, isa);
                    break;
                case Form.Packed:
                case Form.PackedTransposed:
                    MatrixMultiply.AddProductPacked(m, aSpan, _lda, _packed!, cSpan, Ldc, isa);
                    break;
                case Form.RowMajor:
                    MatrixMultiply.AddProduct(m, _n, _k, aSpan, _lda, _b.AsSpan(0, Used(_k, _n, _ldb)), _ldb, cSpan, Ldc, isa);
                    break;
                default:
                    MatrixMultiply.AddProductTransposedA(m, _n, _k, aSpan, _lda, _b.AsSpan(0, Used(_k, _n, _ldb)), _ldb, cSpan, Ldc, isa);
                    break;
            }
        }

        private static int Used(int rows, int cols, int ld) => rows == 0 || cols == 0 ? 0 : ((rows - 1) * ld) + cols;

        private static float[] Fill(int rows, int cols, int ld, Random random)
        {
            var values = new float[Math.Max(rows * ld, 1)];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (2f * random.NextSingle()) - 1f;
            }

            return values;
        }
    }
}
