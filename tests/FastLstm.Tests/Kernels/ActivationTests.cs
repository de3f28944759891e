using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The cell kernels' σ and tanh (<see cref="Activation"/>): accuracy against float64 over the whole float range
/// that matters, the special values, and identical bits from every vector width and the scalar twin.
/// </summary>
public sealed class ActivationTests
{
    // The documented accuracy (Activation.Sigmoid/Tanh): within 2e−7 of the float64 value, i.e. a few ulp near
    // ±1 and far below the 1e−5 the PyTorch parity allows for outputs. Relative accuracy near 0, where tanh(x) ≈ x,
    // is checked separately: the small-argument branch is a minimax polynomial good to a few ulp.
    private const double AbsoluteTolerance = 2e-7;
    private const double RelativeToleranceNearZero = 4 * 5.96e-8;

    public static TheoryData<IsaLevel> Levels => new() { IsaLevel.Scalar, IsaLevel.Vector128, IsaLevel.Vector256, IsaLevel.Vector512 };

    /// <summary>x from −30 to 30 in steps of 1/1024, plus tiny, huge and boundary values (0.625, 9, ±87, ±88).</summary>
    private static float[] Inputs()
    {
        var values = new List<float>();
        for (int i = -30 * 1024; i <= 30 * 1024; i++)
        {
            values.Add(i / 1024f);
        }

        values.AddRange([1e-30f, -1e-30f, 1e-7f, -3e-6f, 0.6249999f, 0.625f, 0.6250001f, 8.999f, 9f, 9.001f, 86.9f, 87f, 87.1f, 88f, 88.5f, -88.5f, 100f, -100f, 1e30f, -1e30f, float.MaxValue, float.MinValue]);
        return [.. values];
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Sigmoid_AgainstFloat64_WithinTolerance(IsaLevel level)
    {
        float[] x = Inputs();
        float[] y = new float[x.Length];
        Activation.Sigmoid(x, y, (Isa)level);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1.0 / (1.0 + Math.Exp(-(double)x[i]));
            Assert.True(Math.Abs(y[i] - exact) <= AbsoluteTolerance, $"σ({x[i]:R}) = {y[i]:R}, float64 {exact:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Tanh_AgainstFloat64_WithinTolerance(IsaLevel level)
    {
        float[] x = Inputs();
        float[] y = new float[x.Length];
        Activation.Tanh(x, y, (Isa)level);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            Assert.True(Math.Abs(y[i] - exact) <= AbsoluteTolerance, $"tanh({x[i]:R}) = {y[i]:R}, float64 {exact:R}");
            if (Math.Abs(x[i]) < 0.625)
            {
                Assert.True(Math.Abs(y[i] - exact) <= RelativeToleranceNearZero * Math.Abs(exact), $"tanh({x[i]:R}) = {y[i]:R}, float64 {exact:R} (relative)");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void Activations_SpecialValues_FollowIeee(IsaLevel level)
    {
        // Spread the specials over a vector's lanes and its scalar tail.
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, float.NaN, -0f, 2f, -2f, float.PositiveInfinity, float.NaN, 0f, float.NegativeInfinity, -0f, float.NaN, -0f, float.NaN, 0f];
        float[] s = new float[x.Length];
        float[] t = new float[x.Length];
        Activation.Sigmoid(x, s, (Isa)level);
        Activation.Tanh(x, t, (Isa)level);
        for (int i = 0; i < x.Length; i++)
        {
            if (float.IsNaN(x[i]))
            {
                Assert.True(float.IsNaN(s[i]) && float.IsNaN(t[i]), $"lane {i}: NaN gave σ {s[i]}, tanh {t[i]}");
            }
            else if (float.IsInfinity(x[i]))
            {
                Assert.Equal(x[i] > 0 ? 1.0 : 0.0, s[i], 1e-30);
                Assert.Equal(x[i] > 0 ? 1f : -1f, t[i]);
            }
            else if (x[i] == 0f)
            {
                Assert.Equal(0.5f, s[i]);
                Assert.Equal(BitConverter.SingleToInt32Bits(x[i]), BitConverter.SingleToInt32Bits(t[i])); // tanh(±0) = ±0
            }
        }
    }

    [Fact]
    public void Activations_EveryWidth_GivesTheScalarBits()
    {
        float[] x = Inputs();
        float[] scalarS = new float[x.Length];
        float[] scalarT = new float[x.Length];
        Activation.Sigmoid(x, scalarS, Isa.Scalar);
        Activation.Tanh(x, scalarT, Isa.Scalar);
        foreach (Isa isa in new[] { Isa.Vector128, Isa.Vector256, Isa.Vector512 })
        {
            float[] s = new float[x.Length];
            float[] t = new float[x.Length];
            Activation.Sigmoid(x, s, isa);
            Activation.Tanh(x, t, isa);
            Assert.Equal(scalarS, s);
            Assert.Equal(scalarT, t);
        }
    }
}
