using FastLstm.Cells;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The fused LSTM step (<see cref="LstmCell"/>): every vector width against the scalar path bit for bit, the scalar
/// path against a float64 evaluation of the formulas, over ragged hidden sizes, with and without peepholes and a
/// separate recurrent term; NaN confined to its unit; backward twice gives the same bits.
/// </summary>
public sealed class LstmCellTests
{
    private const int Seed = 424242;

    // Forward outputs are a few float32 roundings plus the activations' 2e−7 (ActivationTests) away from float64;
    // backward multiplies up to five factors of magnitude ≤ 2 after those. Both far below the 1e−5 / 1e−4 of parity.
    private const double ForwardTolerance = 2e-6;
    private const double BackwardTolerance = 1e-5;

    private static readonly int[] HiddenSizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 40, 63, 64, 65, 127, 128, 129];

    public static TheoryData<IsaLevel, bool, bool> Cases()
    {
        var data = new TheoryData<IsaLevel, bool, bool>();
        foreach (IsaLevel level in Enum.GetValues<IsaLevel>())
        {
            foreach (bool peephole in new[] { false, true })
            {
                foreach (bool separateRecurrent in new[] { false, true })
                {
                    data.Add(level, peephole, separateRecurrent);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool peephole, bool separateRecurrent)
    {
        var random = new Random(Seed);
        foreach (int hidden in HiddenSizes)
        {
            const int batch = 3;
            var step = Step.Create(batch, hidden, peephole, separateRecurrent, random);
            Step fast = step.Clone();
            Step scalar = step.Clone();
            fast.Forward((Isa)level);
            scalar.Forward(Isa.Scalar);
            Assert.Equal(scalar.Gates, fast.Gates);
            Assert.Equal(scalar.CNew, fast.CNew);
            Assert.Equal(scalar.TanhC, fast.TanhC);
            Assert.Equal(scalar.H, fast.H);

            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    (double i, double f, double g, double o, double c, double h) = step.Float64(b, j);
                    int gate = (b * 4 * hidden) + j;
                    int unit = (b * hidden) + j;
                    string where = $"H={hidden} b={b} j={j}";
                    Assert.True(Math.Abs(scalar.Gates[gate] - i) <= ForwardTolerance, $"{where}: i {scalar.Gates[gate]} vs {i}");
                    Assert.True(Math.Abs(scalar.Gates[gate + hidden] - f) <= ForwardTolerance, $"{where}: f");
                    Assert.True(Math.Abs(scalar.Gates[gate + (2 * hidden)] - g) <= ForwardTolerance, $"{where}: g");
                    Assert.True(Math.Abs(scalar.Gates[gate + (3 * hidden)] - o) <= ForwardTolerance, $"{where}: o");
                    Assert.True(Math.Abs(scalar.CNew[unit] - c) <= ForwardTolerance, $"{where}: c' {scalar.CNew[unit]} vs {c}");
                    Assert.True(Math.Abs(scalar.H[unit] - h) <= ForwardTolerance, $"{where}: h {scalar.H[unit]} vs {h}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool peephole, bool separateRecurrent)
    {
        _ = separateRecurrent;
        var random = new Random(Seed);
        foreach (int hidden in HiddenSizes)
        {
            var step = Step.Create(1, hidden, peephole, false, random);
            step.Forward(Isa.Scalar);
            Gradient fast = Gradient.Create(step, random);
            Gradient scalar = fast.Clone();
            Gradient exact = fast.Clone();
            fast.Backward(step, (Isa)level);
            scalar.Backward(step, Isa.Scalar);
            Assert.Equal(scalar.DGates, fast.DGates);
            Assert.Equal(scalar.Dc, fast.Dc);
            Assert.Equal(scalar.DPeephole, fast.DPeephole);

            exact.BackwardFloat64(step);
            for (int j = 0; j < 4 * hidden; j++)
            {
                Assert.True(Math.Abs(scalar.DGates[j] - exact.DGates[j]) <= BackwardTolerance, $"H={hidden} dGates[{j}] {scalar.DGates[j]} vs {exact.DGates[j]}");
            }

            for (int j = 0; j < hidden; j++)
            {
                Assert.True(Math.Abs(scalar.Dc[j] - exact.Dc[j]) <= BackwardTolerance, $"H={hidden} dc[{j}]");
            }

            for (int j = 0; j < scalar.DPeephole.Length; j++)
            {
                Assert.True(Math.Abs(scalar.DPeephole[j] - exact.DPeephole[j]) <= BackwardTolerance, $"H={hidden} dP[{j}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_NaNInOneGate_SpoilsOnlyItsUnit(IsaLevel level, bool peephole, bool separateRecurrent)
    {
        var random = new Random(Seed);
        const int hidden = 37;
        var step = Step.Create(2, hidden, peephole, separateRecurrent, random);
        int unit = random.Next(hidden);
        step.Gates[(1 * 4 * hidden) + (2 * hidden) + unit] = float.NaN; // a_g of row 1
        step.Forward((Isa)level);
        for (int b = 0; b < 2; b++)
        {
            for (int j = 0; j < hidden; j++)
            {
                bool spoiled = b == 1 && j == unit;
                Assert.True(float.IsNaN(step.H[(b * hidden) + j]) == spoiled, $"seed {Seed}: h[{b}, {j}] = {step.H[(b * hidden) + j]}, NaN at unit {unit}");
            }
        }
    }

    [Fact]
    public void Backward_Twice_BitIdentical()
    {
        var random = new Random(Seed);
        var step = Step.Create(1, 129, true, false, random);
        step.Forward(Isa.Vector512);
        Gradient first = Gradient.Create(step, random);
        Gradient second = first.Clone();
        first.Backward(step, Isa.Vector512);
        second.Backward(step, Isa.Vector512);
        Assert.Equal(first.DGates, second.DGates);
        Assert.Equal(first.Dc, second.Dc);
        Assert.Equal(first.DPeephole, second.DPeephole);
    }

    /// <summary>
    /// One step's buffers. Pre-activations are drawn from [−3, 3] so that every gate spans its saturated and
    /// linear ranges (no gate stuck near 0 or 1), c from [−2, 2].
    /// </summary>
    private sealed class Step
    {
        public int Batch { get; private init; }

        public int Hidden { get; private init; }

        public float[] Gates { get; private init; } = [];

        public float[] Recurrent { get; private init; } = [];

        public float[] CPrev { get; private init; } = [];

        public float[] Peephole { get; private init; } = [];

        public float[] CNew { get; private init; } = [];

        public float[] TanhC { get; private init; } = [];

        public float[] H { get; private init; } = [];

        public static Step Create(int batch, int hidden, bool peephole, bool separateRecurrent, Random random) => new()
        {
            Batch = batch,
            Hidden = hidden,
            Gates = Uniform(batch * 4 * hidden, 3f, random),
            Recurrent = separateRecurrent ? Uniform(batch * 4 * hidden, 1f, random) : [],
            CPrev = Uniform(batch * hidden, 2f, random),
            Peephole = peephole ? Uniform(3 * hidden, 1f, random) : [],
            CNew = new float[batch * hidden],
            TanhC = new float[batch * hidden],
            H = new float[batch * hidden],
        };

        public Step Clone() => new()
        {
            Batch = Batch,
            Hidden = Hidden,
            Gates = (float[])Gates.Clone(),
            Recurrent = (float[])Recurrent.Clone(),
            CPrev = (float[])CPrev.Clone(),
            Peephole = (float[])Peephole.Clone(),
            CNew = (float[])CNew.Clone(),
            TanhC = (float[])TanhC.Clone(),
            H = (float[])H.Clone(),
        };

        public void Forward(Isa widest) =>
            LstmCell.Forward(Batch, Hidden, Gates, Recurrent, CPrev, CNew, TanhC, H, Peephole, widest);

        /// <summary>The formulas in float64 on this (not yet run) step's inputs.</summary>
        public (double I, double F, double G, double O, double C, double H) Float64(int b, int j)
        {
            int row = b * 4 * Hidden;
            double Pre(int block) => Gates[row + (block * Hidden) + j] + (Recurrent.Length > 0 ? Recurrent[row + (block * Hidden) + j] : 0.0);
            double P(int block) => Peephole.Length > 0 ? Peephole[(block * Hidden) + j] : 0.0;
            double c = CPrev[(b * Hidden) + j];
            double i = Sigmoid(Pre(0) + (P(0) * c));
            double f = Sigmoid(Pre(1) + (P(1) * c));
            double g = Math.Tanh(Pre(2));
            double cNew = (f * c) + (i * g);
            double o = Sigmoid(Pre(3) + (P(2) * cNew));
            return (i, f, g, o, cNew, o * Math.Tanh(cNew));
        }

        private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }

    /// <summary>One row's backward buffers: dh and dc(t) drawn from [−1, 1], dP accumulated onto a random start.</summary>
    private sealed class Gradient
    {
        public float[] Dh { get; private init; } = [];

        public float[] Dc { get; private init; } = [];

        public float[] DGates { get; private init; } = [];

        public float[] DPeephole { get; private init; } = [];

        public static Gradient Create(Step step, Random random) => new()
        {
            Dh = Uniform(step.Hidden, 1f, random),
            Dc = Uniform(step.Hidden, 1f, random),
            DGates = new float[4 * step.Hidden],
            DPeephole = step.Peephole.Length > 0 ? Uniform(3 * step.Hidden, 1f, random) : [],
        };

        public Gradient Clone() => new()
        {
            Dh = (float[])Dh.Clone(),
            Dc = (float[])Dc.Clone(),
            DGates = (float[])DGates.Clone(),
            DPeephole = (float[])DPeephole.Clone(),
        };

        public void Backward(Step step, Isa widest) =>
            LstmCell.BackwardRow(step.Hidden, step.Gates, step.CPrev, step.CNew, step.TanhC, Dh, Dc, DGates, step.Peephole, DPeephole, widest);

        /// <summary>The same chain rule in float64 from the step's stored (float32) activations.</summary>
        public void BackwardFloat64(Step step)
        {
            int hidden = step.Hidden;
            bool peephole = step.Peephole.Length > 0;
            for (int j = 0; j < hidden; j++)
            {
                double i = step.Gates[j], f = step.Gates[hidden + j], g = step.Gates[(2 * hidden) + j], o = step.Gates[(3 * hidden) + j];
                double tc = Math.Tanh(step.CNew[j]);
                double dh = Dh[j];
                double dAo = dh * tc * o * (1 - o);
                double dc = Dc[j] + (dh * o * (1 - (tc * tc)));
                double cp = step.CPrev[j];
                if (peephole)
                {
                    dc += dAo * step.Peephole[(2 * hidden) + j];
                }

                double dAi = dc * g * i * (1 - i);
                double dAf = dc * cp * f * (1 - f);
                double dAg = dc * i * (1 - (g * g));
                double dcPrev = dc * f;
                if (peephole)
                {
                    dcPrev += (dAi * step.Peephole[j]) + (dAf * step.Peephole[hidden + j]);
                    DPeephole[j] = (float)(DPeephole[j] + (dAi * cp));
                    DPeephole[hidden + j] = (float)(DPeephole[hidden + j] + (dAf * cp));
                    DPeephole[(2 * hidden) + j] = (float)(DPeephole[(2 * hidden) + j] + (dAo * step.CNew[j]));
                }

                DGates[j] = (float)dAi;
                DGates[hidden + j] = (float)dAf;
                DGates[(2 * hidden) + j] = (float)dAg;
                DGates[(3 * hidden) + j] = (float)dAo;
                Dc[j] = (float)dcPrev;
            }
        }
    }

    private static float[] Uniform(int length, float bound, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * bound;
        }

        return values;
    }
}
