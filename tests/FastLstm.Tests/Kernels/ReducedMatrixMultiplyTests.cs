using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// <see cref="ReducedMatrixMultiply"/> on every instruction set this machine runs against its scalar path (bit for bit
/// where the hardware fuses multiply-adds), and the scalar path against a float64 product with the decoded weights:
/// ragged N around the 16-column panel, the 32-column pair and the 64-column group, odd K and K = 1, row blocks around
/// the kernels' 1, 2 and 4 rows, panel ranges that cut pairs and groups, and float16 inputs too large to prescale.
/// </summary>
public sealed class ReducedMatrixMultiplyTests
{
    private const int Seed = 20250301;

    // The float32 chain of K fused multiply-adds, then the add into C (or the fused scaling), is within
    // γ_(K+2)·(|c| + Σ|a·w|) of the float64 sum of the same decoded terms (Higham 3.1; u = 2⁻²⁴).
    private const double UnitRoundoff = 5.96e-8;

    // Where multiply-adds are fused on every path, every path computes the same chain and must match the scalar path
    // bit for bit; Vector128 without FMA multiplies then adds (MultiplyAddEstimate), one more rounding per term.
    private static readonly bool FusedEverywhere = Fma.IsSupported || AdvSimd.IsSupported;

    private static readonly WeightPrecision[] Reduced = [WeightPrecision.BFloat16, WeightPrecision.Float16, WeightPrecision.Int8];

    public static TheoryData<WeightPrecision, IsaLevel> PrecisionsAndIsas()
    {
        var data = new TheoryData<WeightPrecision, IsaLevel>();
        foreach (WeightPrecision precision in Reduced)
        {
            foreach (IsaLevel isa in Enum.GetValues<IsaLevel>())
            {
                data.Add(precision, isa);
            }
        }

        return data;
    }

    private static readonly int[] Widths = [1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 80, 96, 100, 127, 128, 129, 200, 513];
    private static readonly int[] Depths = [1, 2, 3, 7, 16, 33, 255, 300];
    private static readonly int[] Batches = [1, 2, 3, 4, 5, 9];

    private static IEnumerable<(int M, int N, int K)> Shapes()
    {
        foreach (int n in Widths)
        {
            yield return (1, n, 23);
            yield return (3, n, 7);
        }

        foreach (int k in Depths)
        {
            yield return (1, 65, k);
            yield return (2, 100, k);
        }

        foreach (int m in Batches)
        {
            yield return (m, 129, 33);
        }
    }

    [Theory]
    [MemberData(nameof(PrecisionsAndIsas))]
    public void AddProduct_RaggedShapes_MatchesScalarPathAndFloat64(WeightPrecision precision, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!IsaSupport.IsSupported(isa))
        {
            return; // this machine cannot run it; the DOTNET_Enable* runs of the suite cover the others
        }

        var random = new Random(Seed);
        foreach ((int m, int n, int k) in Shapes())
        {
            foreach (float inputRange in new[] { 1f, 1e5f })
            {
                // 1e5 > 2¹⁵: float16 takes its unscaled decoder; the others must not care.
                var problem = Problem.Create(precision, m, n, k, inputRange, random);
                Check(problem, isa, 0, problem.Weights.Panels, $"{precision} {isa} M={m} N={n} K={k} |x|≤{inputRange} seed {Seed}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(PrecisionsAndIsas))]
    public void AddProduct_PanelRanges_WriteOnlyTheirColumnsAndMatchTheWholeProduct(WeightPrecision precision, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!IsaSupport.IsSupported(isa))
        {
            return;
        }

        var random = new Random(Seed);
        var problem = Problem.Create(precision, 3, 16 * 11 + 5, 37, 1f, random);   // 12 panels: 3 groups, the last ragged
        float[] whole = problem.Run(isa, 0, 12);
        (int Start, int End)[] ranges = [(0, 1), (1, 2), (1, 3), (2, 6), (3, 4), (5, 9), (7, 12), (11, 12), (4, 4)];
        foreach ((int start, int end) in ranges)
        {
            string where = $"{precision} {isa} panels [{start}, {end})";
            float[] part = problem.Run(isa, start, end);
            for (int i = 0; i < problem.M; i++)
            {
                for (int j = 0; j < problem.Ldc; j++)
                {
                    int at = (i * problem.Ldc) + j;
                    bool inside = j >= 16 * start && j < Math.Min(16 * end, problem.N);
                    float expected = inside ? whole[at] : problem.C[at];
                    Assert.True(Bits(part[at]) == Bits(expected), $"{where}: C[{i}, {j}] = {part[at]}, expected {expected}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(PrecisionsAndIsas))]
    public void AddProduct_RowOfBatch_EqualsSameRowAlone(WeightPrecision precision, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!IsaSupport.IsSupported(isa))
        {
            return;
        }

        // A Step of batch 1 must give the numbers of the same row in a batch.
        var problem = Problem.Create(precision, 7, 100, 45, 1f, new Random(Seed));
        float[] batch = problem.Run(isa, 0, problem.Weights.Panels);
        for (int row = 0; row < problem.M; row++)
        {
            float[] c = problem.C.AsSpan(row * problem.Ldc, problem.Ldc).ToArray();
            ReducedMatrixMultiply.AddProduct(1, problem.A.AsSpan(row * problem.Lda), problem.Lda, problem.Weights, c, problem.Ldc, isa);
            for (int j = 0; j < problem.N; j++)
            {
                Assert.Equal(Bits(batch[(row * problem.Ldc) + j]), Bits(c[j]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(PrecisionsAndIsas))]
    public void AddProduct_NaNInA_SpoilsOnlyItsRow(WeightPrecision precision, IsaLevel level)
    {
        Isa isa = (Isa)level;
        if (!IsaSupport.IsSupported(isa))
        {
            return;
        }

        var random = new Random(Seed);
        var problem = Problem.Create(precision, 5, 70, 40, 1f, random);
        int badRow = random.Next(problem.M);
        int badK = random.Next(problem.K);
        problem.A[(badRow * problem.Lda) + badK] = float.NaN;
        float[] result = problem.Run(isa, 0, problem.Weights.Panels);
        for (int i = 0; i < problem.M; i++)
        {
            for (int j = 0; j < problem.N; j++)
            {
                float value = result[(i * problem.Ldc) + j];
                Assert.True(i == badRow ? float.IsNaN(value) : float.IsFinite(value), $"seed {Seed}: C[{i}, {j}] = {value}, NaN at a({badRow}, {badK})");
            }
        }
    }

    [Fact]
    public void Refresh_RepacksWhenTheVersionOrPrecisionMoves()
    {
        float[] w = [1, 2, 3, 4, 5, 6];   // 2×3
        var reduced = new ReducedMatrix();
        reduced.Refresh(1, WeightPrecision.BFloat16, 2, 3, w);
        Assert.Equal(6f, reduced.Weight(1, 2));

        w[5] = 7;
        reduced.Refresh(1, WeightPrecision.BFloat16, 2, 3, w);
        Assert.Equal(6f, reduced.Weight(1, 2));   // same version: the packed copy stands

        reduced.Refresh(2, WeightPrecision.BFloat16, 2, 3, w);
        Assert.Equal(7f, reduced.Weight(1, 2));

        reduced.Refresh(2, WeightPrecision.Int8, 2, 3, w);
        Assert.Equal(WeightPrecision.Int8, reduced.Precision);
        Assert.Equal(7f, reduced.Weight(1, 2), 1e-6f);   // the row maximum maps to q = 127 and back to itself

        reduced.Refresh(3, WeightPrecision.Float16, 3, 2, w);   // a new shape
        Assert.Equal((3, 2), (reduced.Rows, reduced.Columns));
        Assert.Equal(7f, reduced.Weight(2, 1));
    }

    private static void Check(Problem problem, Isa isa, int panelStart, int panelEnd, string where)
    {
        float[] fast = problem.Run(isa, panelStart, panelEnd);
        float[] scalar = problem.Run(Isa.Scalar, panelStart, panelEnd);
        (double[] exact, double[] magnitude) = problem.Float64();
        for (int i = 0; i < problem.M; i++)
        {
            for (int j = 0; j < problem.Ldc; j++)
            {
                int at = (i * problem.Ldc) + j;
                if (j >= problem.N)
                {
                    Assert.True(Bits(fast[at]) == Bits(problem.C[at]), $"{where}: wrote C[{i}, {j}] past N");
                    continue;
                }

                double bound = (problem.K + 2) * UnitRoundoff * magnitude[at];
                Assert.True(Math.Abs(scalar[at] - exact[at]) <= bound, $"{where}: scalar C[{i}, {j}] = {scalar[at]}, float64 {exact[at]}");
                if (FusedEverywhere)
                {
                    Assert.True(Bits(fast[at]) == Bits(scalar[at]), $"{where}: C[{i}, {j}] = {fast[at]}, scalar {scalar[at]}");
                }
                else
                {
                    Assert.True(Math.Abs(fast[at] - scalar[at]) <= 2 * bound, $"{where}: C[{i}, {j}] = {fast[at]}, scalar {scalar[at]}");
                }
            }
        }
    }

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    /// <summary>A random C (M×N, ldc = N + 3) += A (M×K, lda = K + 2) · Wᵀ with W (N×K) packed in a reduced precision.</summary>
    private sealed class Problem
    {
        public required int M { get; init; }

        public required int N { get; init; }

        public required int K { get; init; }

        public required int Lda { get; init; }

        public required int Ldc { get; init; }

        public required float[] A { get; init; }

        public required float[] C { get; init; }

        public required ReducedMatrix Weights { get; init; }

        public static Problem Create(WeightPrecision precision, int m, int n, int k, float inputRange, Random random)
        {
            int lda = k + 2;
            int ldc = n + 3;
            float[] w = Uniform(n * k, 1f, random);
            if (n > 2)
            {
                // A row of zeros (int8 scale 0) and one of tiny weights (float16 subnormals, flushes).
                w.AsSpan(k, k).Clear();
                for (int i = 0; i < k; i++)
                {
                    w[(2 * k) + i] *= 1e-6f;
                }
            }

            var weights = new ReducedMatrix();
            weights.Pack(precision, n, k, w, k);
            return new Problem
            {
                M = m, N = n, K = k, Lda = lda, Ldc = ldc,
                A = Uniform(m * lda, inputRange, random),
                C = Uniform(m * ldc, 1f, random),
                Weights = weights,
            };
        }

        public float[] Run(Isa isa, int panelStart, int panelEnd)
        {
            float[] c = (float[])C.Clone();
            ReducedMatrixMultiply.AddProduct(M, A, Lda, Weights, c, Ldc, panelStart, panelEnd, isa);
            return c;
        }

        /// <summary>c + Σ a·w in float64 with the decoded weights (int8: s·Σ q·a), and c's error scale |c| + Σ|a·w|.</summary>
        public (double[] Exact, double[] Magnitude) Float64()
        {
            var exact = new double[C.Length];
            var magnitude = new double[C.Length];
            bool int8 = Weights.Precision == WeightPrecision.Int8;
            for (int i = 0; i < M; i++)
            {
                for (int j = 0; j < N; j++)
                {
                    double sum = 0, abs = 0;
                    double scale = int8 ? Weights.Scales[j] : 1;
                    for (int kk = 0; kk < K; kk++)
                    {
                        double w = int8 ? (scale == 0 ? 0 : Math.Round(Weights.Weight(j, kk) / scale)) : Weights.Weight(j, kk);
                        double term = A[(i * Lda) + kk] * w;
                        sum += term;
                        abs += Math.Abs(term);
                    }

                    int at = (i * Ldc) + j;
                    exact[at] = C[at] + (scale * sum);
                    magnitude[at] = Math.Abs(C[at]) + (scale * abs) + (scale * abs * (K + 2) * UnitRoundoff);
                }
            }

            return (exact, magnitude);
        }

        private static float[] Uniform(int length, float range, Random random)
        {
            var values = new float[length];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = ((2f * random.NextSingle()) - 1f) * range;
            }

            return values;
        }
    }
}
