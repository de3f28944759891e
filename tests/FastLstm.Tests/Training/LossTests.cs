using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class LossTests
{
    // Central differences in double around float outputs: the loss sums in double, so the error is the float rounding
    // of the outputs themselves (~1e-7 relative) over the step 1e-3, plus the O(h²) truncation error.
    private const double FiniteDifferenceStep = 1e-3;
    private const double GradientTolerance = 2e-4;

    public static TheoryData<string> LossNames => new() { "mse", "mae", "huber", "ce", "bce" };

    private static Loss Create(string name) => name switch
    {
        "mse" => new MeanSquaredError(),
        "mae" => new MeanAbsoluteError(),
        "huber" => new HuberLoss(0.5f),
        "ce" => new SoftmaxCrossEntropy(),
        _ => new BinaryCrossEntropyWithLogits(),
    };

    private static (float[] Outputs, float[] Targets) Case(Loss loss, int rows, int width)
    {
        var random = new Random(5);
        var outputs = new float[rows * width];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = (random.NextSingle() * 4f) - 2f;
        }

        var targets = new float[rows * loss.TargetWidth(width)];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = loss.Kind switch
            {
                TaskKind.MultiClass => random.Next(width),
                TaskKind.Binary => random.NextSingle(),
                _ => (random.NextSingle() * 4f) - 2f,
            };
        }

        return (outputs, targets);
    }

    [Fact]
    public void MeanSquaredError_HandComputed()
    {
        // d = (1, -2, 0.5): mean of squares (1 + 4 + 0.25)/3 = 1.75; gradient 2d/3.
        float[] outputs = [2f, -1f, 0.5f];
        float[] targets = [1f, 1f, 0f];
        var gradient = new float[3];
        LossSum sum = new MeanSquaredError().Compute(outputs, targets, 3, default, gradient);
        Assert.Equal(1.75, sum.Mean, 12);
        Assert.Equal(3, sum.Count);
        Assert.Equal([2f / 3f, -4f / 3f, 1f / 3f], gradient);
    }

    [Fact]
    public void MeanAbsoluteError_HandComputed_SignOfZeroIsZero()
    {
        float[] outputs = [2f, -1f, 0f];
        float[] targets = [1f, 1f, 0f];
        var gradient = new float[3];
        LossSum sum = new MeanAbsoluteError().Compute(outputs, targets, 3, default, gradient);
        Assert.Equal(1.0, sum.Mean, 12);
        Assert.Equal([1f / 3f, -1f / 3f, 0f], gradient);
    }

    [Fact]
    public void Huber_QuadraticInsideDelta_LinearOutside()
    {
        // δ = 1: d = 0.5 gives 0.125; d = -3 gives 1·(3 − 0.5) = 2.5; mean 1.3125.
        float[] outputs = [0.5f, -3f];
        float[] targets = [0f, 0f];
        var gradient = new float[2];
        LossSum sum = new HuberLoss(1f).Compute(outputs, targets, 1, default, gradient);
        Assert.Equal(1.3125, sum.Mean, 12);
        Assert.Equal([0.25f, -0.5f], gradient);
    }

    [Fact]
    public void SoftmaxCrossEntropy_HandComputed()
    {
        // logits (0, ln 3): softmax (1/4, 3/4); target 1 → loss −ln(3/4); gradient (1/4, −1/4).
        float[] outputs = [0f, MathF.Log(3f)];
        float[] targets = [1f];
        var gradient = new float[2];
        LossSum sum = new SoftmaxCrossEntropy().Compute(outputs, targets, 2, default, gradient);
        Assert.Equal(-Math.Log(0.75), sum.Mean, 6);
        Assert.Equal(1, sum.Count);
        Assert.Equal(0.25f, gradient[0], 6);
        Assert.Equal(-0.25f, gradient[1], 6);
    }

    [Fact]
    public void SoftmaxCrossEntropy_HugeLogits_StayFinite()
    {
        float[] outputs = [1e4f, -1e4f, 0f];
        LossSum sum = new SoftmaxCrossEntropy().Compute(outputs, [1f], 3, default, new float[3]);
        Assert.Equal(2e4, sum.Mean, 3);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_HandComputed()
    {
        // logit 0, target 1: ln 2; logit 100, target 0: 100 (stable form, no overflow).
        float[] outputs = [0f, 100f];
        float[] targets = [1f, 0f];
        var gradient = new float[2];
        LossSum sum = new BinaryCrossEntropyWithLogits().Compute(outputs, targets, 2, default, gradient);
        Assert.Equal((Math.Log(2) + 100) / 2, sum.Mean, 6);
        Assert.Equal(-0.25f, gradient[0], 6);
        Assert.Equal(0.5f, gradient[1], 6);
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Gradient_MatchesCentralDifferences(string name)
    {
        Loss loss = Create(name);
        const int rows = 4;
        const int width = 3;
        (float[] outputs, float[] targets) = Case(loss, rows, width);
        bool[] mask = [true, false, true, true];
        var gradient = new float[outputs.Length];
        loss.Compute(outputs, targets, width, mask, gradient);
        for (int i = 0; i < outputs.Length; i++)
        {
            float saved = outputs[i];
            outputs[i] = saved + (float)FiniteDifferenceStep;
            double plus = loss.Compute(outputs, targets, width, mask, default).Mean;
            outputs[i] = saved - (float)FiniteDifferenceStep;
            double minus = loss.Compute(outputs, targets, width, mask, default).Mean;
            outputs[i] = saved;
            double numeric = (plus - minus) / (2 * FiniteDifferenceStep);
            Assert.True(Math.Abs(gradient[i] - numeric) <= GradientTolerance, $"{name}[{i}]: analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void MaskedRows_AddNothingAndGetZeroGradient(string name)
    {
        Loss loss = Create(name);
        (float[] outputs, float[] targets) = Case(loss, 3, 2);
        bool[] mask = [true, false, true];
        var gradient = new float[6];
        gradient.AsSpan().Fill(7f);
        LossSum masked = loss.Compute(outputs, targets, 2, mask, gradient);

        // The same loss without the middle row: identical sum and count.
        int tw = loss.TargetWidth(2);
        float[] keptOutputs = [.. outputs[0..2], .. outputs[4..6]];
        float[] keptTargets = [.. targets[0..tw], .. targets[(2 * tw)..(3 * tw)]];
        LossSum kept = loss.Compute(keptOutputs, keptTargets, 2, default, default);
        Assert.Equal(kept.Sum, masked.Sum);
        Assert.Equal(kept.Count, masked.Count);
        Assert.Equal(0f, gradient[2]);
        Assert.Equal(0f, gradient[3]);
    }

    [Fact]
    public void NaNOutput_GivesNaNLoss()
    {
        LossSum sum = new MeanSquaredError().Compute([float.NaN, 1f], [0f, 0f], 2, default, new float[2]);
        Assert.True(double.IsNaN(sum.Mean));
    }

    [Fact]
    public void ClassTargetOutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy().Compute([0f, 1f], [2f], 2, default, default));
        Assert.Contains("[0, 2)", error.Message);
    }
}
