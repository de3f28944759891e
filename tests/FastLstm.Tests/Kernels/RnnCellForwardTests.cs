using FastLstm.Cells;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The fused Elman RNN step (<see cref="RnnCell"/>): every vector width against the scalar path bit for bit and the
/// scalar path against float64, over ragged lengths, for tanh and relu; NaN passes through both activations.
/// </summary>
public sealed class RnnCellForwardTests
{
    private const double Tolerance = 2e-6; // one rounding of the sum plus tanh's 2e−7 (ActivationTests)

    public static TheoryData<IsaLevel, bool> Cases() => KernelTestData.LevelsAndFlag();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_EveryWidth_EqualsScalarAndFloat64(IsaLevel level, bool relu)
    {
        var random = new Random(31337);
        foreach (int count in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 127, 128, 129, 384 })
        {
            float[] gates = KernelTestData.Uniform(count, -4f, 4f, random);
            float[] recurrent = KernelTestData.Uniform(count, -1f, 1f, random);
            var fast = new float[count];
            var scalar = new float[count];
            RnnCell.Forward(count, gates, recurrent, fast, relu, (Isa)level);
            RnnCell.Forward(count, gates, recurrent, scalar, relu, Isa.Scalar);
            Assert.Equal(scalar, fast);
            for (int j = 0; j < count; j++)
            {
                double a = gates[j] + (double)recurrent[j];
                double exact = relu ? Math.Max(a, 0) : Math.Tanh(a);
                Assert.True(Math.Abs(scalar[j] - exact) <= Tolerance, $"count={count} j={j}: {scalar[j]} vs {exact}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_NaN_StaysInItsUnit(IsaLevel level, bool relu)
    {
        const int count = 37;
        float[] gates = KernelTestData.Uniform(count, -4f, 4f, new Random(5));
        float[] recurrent = new float[count];
        gates[20] = float.NaN;
        var h = new float[count];
        RnnCell.Forward(count, gates, recurrent, h, relu, (Isa)level);
        for (int j = 0; j < count; j++)
        {
            Assert.Equal(j == 20, float.IsNaN(h[j]));
        }
    }
}
