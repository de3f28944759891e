using FastLstm.Cells;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The vectorized backward rows of <see cref="GruCell"/> and <see cref="RnnCell"/>: every vector width gives the
/// scalar path's bits over ragged hidden sizes, and the scalar path matches the formulas in float64. (Their forward
/// passes and the whole-layer gradients are covered by the reference tests in Layers/ and Reference/.)
/// </summary>
public sealed class GruRnnCellBackwardTests
{
    private const int Seed = 31337;

    // A product of at most four float32 factors, each rounded once: a few ulp of values below 4.
    private const double Tolerance = 1e-6;

    private static readonly int[] HiddenSizes = [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129];

    public static TheoryData<IsaLevel, bool> Cases() => KernelTestData.LevelsAndFlag();

    [Theory]
    [MemberData(nameof(Cases))]
    public void GruBackwardRow_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool linearBeforeReset)
    {
        var random = new Random(Seed);
        foreach (int hidden in HiddenSizes)
        {
            float[] gates = KernelTestData.Uniform(3 * hidden, 0f, 1f, random);     // activated r, z in (0, 1); n drawn below
            float[] n = KernelTestData.Uniform(hidden, -1f, 1f, random);
            n.CopyTo(gates, 2 * hidden);
            float[] hn = KernelTestData.Uniform(hidden, -2f, 2f, random);
            float[] hPrev = KernelTestData.Uniform(hidden, -1f, 1f, random);
            float[] dh = KernelTestData.Uniform(hidden, -1f, 1f, random);
            float[] dhPrevStart = KernelTestData.Uniform(hidden, -1f, 1f, random);

            (float[] di, float[] dg, float[] dp) Run(Isa isa)
            {
                float[] dGatesInput = new float[3 * hidden];
                float[] dGatesHidden = new float[3 * hidden];
                float[] dhPrev = (float[])dhPrevStart.Clone();
                GruCell.BackwardRow(hidden, gates, hn, hPrev, dh, dGatesInput, dGatesHidden, dhPrev, linearBeforeReset, isa);
                return (dGatesInput, dGatesHidden, dhPrev);
            }

            var scalar = Run(Isa.Scalar);
            var fast = Run((Isa)level);
            Assert.Equal(scalar.di, fast.di);
            Assert.Equal(scalar.dp, fast.dp);
            Assert.Equal(scalar.dg, fast.dg);

            for (int j = 0; j < hidden; j++)
            {
                double r = gates[j], z = gates[hidden + j], nj = gates[(2 * hidden) + j], g = dh[j];
                double dAn = g * (1 - z) * (1 - (nj * nj));
                double dAz = g * (hPrev[j] - nj) * z * (1 - z);
                Assert.True(Math.Abs(scalar.di[(2 * hidden) + j] - dAn) <= Tolerance, $"H={hidden}: dA_n[{j}]");
                Assert.True(Math.Abs(scalar.di[hidden + j] - dAz) <= Tolerance, $"H={hidden}: dA_z[{j}]");
                Assert.True(Math.Abs(scalar.dp[j] - (dhPrevStart[j] + (g * z))) <= Tolerance, $"H={hidden}: dh(t-1)[{j}]");
                if (linearBeforeReset)
                {
                    Assert.True(Math.Abs(scalar.di[j] - (dAn * hn[j] * r * (1 - r))) <= Tolerance, $"H={hidden}: dA_r[{j}]");
                    Assert.True(Math.Abs(scalar.dg[(2 * hidden) + j] - (dAn * r)) <= Tolerance, $"H={hidden}: dhn[{j}]");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RnnBackwardRow_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool relu)
    {
        var random = new Random(Seed);
        foreach (int hidden in HiddenSizes)
        {
            float[] h = KernelTestData.Uniform(hidden, relu ? -1f : -0.99f, relu ? 1f : 0.99f, random);
            if (relu)
            {
                h[random.Next(hidden)] = 0f;  // the kink: relu'(0) = 0, as PyTorch
            }

            float[] dh = KernelTestData.Uniform(hidden, -1f, 1f, random);
            float[] scalar = new float[hidden];
            float[] fast = new float[hidden];
            RnnCell.BackwardRow(hidden, h, dh, scalar, relu, Isa.Scalar);
            RnnCell.BackwardRow(hidden, h, dh, fast, relu, (Isa)level);
            Assert.Equal(scalar, fast);
            for (int j = 0; j < hidden; j++)
            {
                double expected = relu ? (h[j] > 0 ? dh[j] : 0) : dh[j] * (1 - ((double)h[j] * h[j]));
                Assert.True(Math.Abs(scalar[j] - expected) <= Tolerance, $"H={hidden}: dA[{j}] {scalar[j]} vs {expected}");
            }
        }
    }
}
