using FastLstm.Cells;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The fused PyTorch-form GRU step (<see cref="GruCell.ForwardUnits(int, int, int, int, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>):
/// every vector width against the scalar path bit for bit, the scalar path against a float64 evaluation of the
/// formulas, over ragged hidden sizes and unit ranges, with and without b_hn; a NaN stays in its unit.
/// </summary>
public sealed class GruCellForwardTests
{
    private const int Seed = 171717;

    // A few float32 roundings plus the activations' 2e−7 (ActivationTests), as for the LSTM cell.
    private const double ForwardTolerance = 2e-6;

    private static readonly int[] HiddenSizes = [1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129];

    public static TheoryData<IsaLevel, bool> Cases() => KernelTestData.LevelsAndFlag();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardUnits_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool hiddenNewBias)
    {
        var random = new Random(Seed);
        foreach (int hidden in HiddenSizes)
        {
            const int batch = 3;
            var step = Step.Create(batch, hidden, hiddenNewBias, random);
            Step fast = step.Clone();
            Step scalar = step.Clone();
            fast.Forward(0, hidden, (Isa)level);
            scalar.Forward(0, hidden, Isa.Scalar);
            Assert.Equal(scalar.Gates, fast.Gates);
            Assert.Equal(scalar.Hn, fast.Hn);
            Assert.Equal(scalar.H, fast.H);

            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    (double r, double z, double hn, double n, double h) = step.Float64(b, j);
                    int gate = (b * 3 * hidden) + j;
                    int unit = (b * hidden) + j;
                    string where = $"H={hidden} b={b} j={j}";
                    Assert.True(Math.Abs(scalar.Gates[gate] - r) <= ForwardTolerance, $"{where}: r {scalar.Gates[gate]} vs {r}");
                    Assert.True(Math.Abs(scalar.Gates[gate + hidden] - z) <= ForwardTolerance, $"{where}: z");
                    Assert.True(Math.Abs(scalar.Gates[gate + (2 * hidden)] - n) <= ForwardTolerance, $"{where}: n");
                    Assert.True(Math.Abs(scalar.Hn[unit] - hn) <= ForwardTolerance, $"{where}: hn");
                    Assert.True(Math.Abs(scalar.H[unit] - h) <= ForwardTolerance, $"{where}: h {scalar.H[unit]} vs {h}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardUnits_AnySplitOfUnits_EqualsWholeRow(IsaLevel level, bool hiddenNewBias)
    {
        var random = new Random(Seed + 1);
        const int hidden = 67;
        var step = Step.Create(2, hidden, hiddenNewBias, random);
        Step whole = step.Clone();
        whole.Forward(0, hidden, (Isa)level);
        foreach (int cut in new[] { 1, 9, 16, 33, 64 })
        {
            Step split = step.Clone();
            split.Forward(0, cut, (Isa)level);
            split.Forward(cut, hidden, (Isa)level);
            Assert.Equal(whole.Gates, split.Gates);
            Assert.Equal(whole.Hn, split.Hn);
            Assert.Equal(whole.H, split.H);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardUnits_NaNInOneGate_SpoilsOnlyItsUnit(IsaLevel level, bool hiddenNewBias)
    {
        var random = new Random(Seed + 2);
        const int hidden = 40;
        var step = Step.Create(1, hidden, hiddenNewBias, random);
        const int poisoned = 21;
        step.Gates[hidden + poisoned] = float.NaN; // a_z of one unit
        step.Forward(0, hidden, (Isa)level);
        for (int j = 0; j < hidden; j++)
        {
            Assert.Equal(j == poisoned, float.IsNaN(step.H[j]));
        }
    }

    /// <summary>One step's buffers: pre-activations in [−4, 4], W_hh·h and h(t−1) in [−1, 1], b_hn in [−0.5, 0.5].</summary>
    private sealed class Step
    {
        public int Batch { get; private init; }

        public int Hidden { get; private init; }

        public float[] Gates { get; private init; } = [];

        public float[] Recurrent { get; private init; } = [];

        public float[] Bias { get; private init; } = [];

        public float[] Hn { get; private init; } = [];

        public float[] HPrev { get; private init; } = [];

        public float[] H { get; private init; } = [];

        public static Step Create(int batch, int hidden, bool hiddenNewBias, Random random) => new()
        {
            Batch = batch,
            Hidden = hidden,
            Gates = KernelTestData.Uniform(batch * 3 * hidden, -4f, 4f, random),
            Recurrent = KernelTestData.Uniform(batch * 3 * hidden, -1f, 1f, random),
            Bias = hiddenNewBias ? KernelTestData.Uniform(hidden, -0.5f, 0.5f, random) : [],
            Hn = new float[batch * hidden],
            HPrev = KernelTestData.Uniform(batch * hidden, -1f, 1f, random),
            H = new float[batch * hidden],
        };

        public Step Clone() => new()
        {
            Batch = Batch,
            Hidden = Hidden,
            Gates = (float[])Gates.Clone(),
            Recurrent = (float[])Recurrent.Clone(),
            Bias = (float[])Bias.Clone(),
            Hn = (float[])Hn.Clone(),
            HPrev = (float[])HPrev.Clone(),
            H = (float[])H.Clone(),
        };

        public void Forward(int u0, int u1, Isa widest) =>
            GruCell.ForwardUnits(Batch, Hidden, u0, u1, Gates, Recurrent, Bias, Hn, HPrev, H, widest);

        /// <summary>The formulas in float64 on this (not yet run) step's inputs.</summary>
        public (double R, double Z, double Hn, double N, double H) Float64(int b, int j)
        {
            int row = b * 3 * Hidden;
            double r = Sigmoid(Gates[row + j] + (double)Recurrent[row + j]);
            double z = Sigmoid(Gates[row + Hidden + j] + (double)Recurrent[row + Hidden + j]);
            double hn = Recurrent[row + (2 * Hidden) + j] + (Bias.Length > 0 ? Bias[j] : 0.0);
            double n = Math.Tanh(Gates[row + (2 * Hidden) + j] + (r * hn));
            double hPrev = HPrev[(b * Hidden) + j];
            return (r, z, hn, n, ((1 - z) * n) + (z * hPrev));
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }
}
