using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

/// <summary>Each optimizer against two steps worked out by hand from torch.optim's update formulas.</summary>
public class OptimizerTests
{
    // The optimizers compute in float32 like PyTorch; the expectations are exact decimals or double formulas,
    // so they agree to float rounding of a handful of operations (~1e-7 relative), checked with margin.
    private const float Tolerance = 1e-6f;

    /// <summary>A Dense(1 → 2) without bias: parameters w = (w0, w1) in one list, gradients set by hand.</summary>
    private static ParameterList Parameters(float w0, float w1)
    {
        var dense = new Dense(1, 2, bias: false);
        dense.Parameters["weight"].CopyFrom([w0, w1]);
        return dense.Parameters;
    }

    private static void Step(Optimizer optimizer, ParameterList list, float g0, float g1)
    {
        list.Gradients[0] = g0;
        list.Gradients[1] = g1;
        optimizer.Step();
    }

    private static void AssertValues(ParameterList list, double w0, double w1)
    {
        Assert.True(Math.Abs(list.Values[0] - w0) <= Tolerance * Math.Max(1, Math.Abs(w0)), $"w0 = {list.Values[0]}, expected {w0}");
        Assert.True(Math.Abs(list.Values[1] - w1) <= Tolerance * Math.Max(1, Math.Abs(w1)), $"w1 = {list.Values[1]}, expected {w1}");
    }

    [Fact]
    public void Sgd_Plain_StepsAgainstGradient()
    {
        ParameterList p = Parameters(1f, -2f);
        var sgd = new Sgd([p], learningRate: 0.1f);
        Step(sgd, p, 0.5f, -1f);
        AssertValues(p, 0.95, -1.9);
    }

    [Fact]
    public void Sgd_Momentum_FirstStepCopiesGradientThenAccumulates()
    {
        ParameterList p = Parameters(1f, -2f);
        var sgd = new Sgd([p], learningRate: 0.1f, momentum: 0.9f);
        Step(sgd, p, 0.5f, -1f);      // b = g = (0.5, −1); w = (0.95, −1.9)
        AssertValues(p, 0.95, -1.9);
        Step(sgd, p, 0.5f, -1f);      // b = 0.9·b + g = (0.95, −1.9); w = (0.855, −1.71)
        AssertValues(p, 0.855, -1.71);
    }

    [Fact]
    public void Sgd_Dampening_ScalesNewGradientAfterFirstStep()
    {
        ParameterList p = Parameters(1f, 0f);
        var sgd = new Sgd([p], learningRate: 0.1f, momentum: 0.9f, dampening: 0.5f);
        Step(sgd, p, 1f, 0f);         // b = 1 (no dampening on the first step); w = 0.9
        Step(sgd, p, 1f, 0f);         // b = 0.9 + 0.5 = 1.4; w = 0.9 − 0.14 = 0.76
        AssertValues(p, 0.76, 0);
    }

    [Fact]
    public void Sgd_Nesterov_LooksAhead()
    {
        ParameterList p = Parameters(1f, 0f);
        var sgd = new Sgd([p], learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        Step(sgd, p, 1f, 0f);         // b = 1; step g + 0.9·b = 1.9; w = 0.81
        AssertValues(p, 0.81, 0);
        Step(sgd, p, 1f, 0f);         // b = 1.9; step 1 + 1.71 = 2.71; w = 0.539
        AssertValues(p, 0.539, 0);
    }

    [Fact]
    public void Sgd_WeightDecay_AddsL2Gradient()
    {
        ParameterList p = Parameters(2f, 0f);
        var sgd = new Sgd([p], learningRate: 0.1f, weightDecay: 0.5f);
        Step(sgd, p, 1f, 0f);         // g = 1 + 0.5·2 = 2; w = 1.8
        AssertValues(p, 1.8, 0);
    }

    [Fact]
    public void Adam_TwoSteps_WithBiasCorrection()
    {
        ParameterList p = Parameters(1f, -1f);
        var adam = new Adam([p], learningRate: 0.1f);

        // Step 1: m̂ = g, v̂ = g², so each value moves by η·g/(|g| + ε) ≈ η·sign(g).
        Step(adam, p, 0.5f, -2f);
        AssertValues(p, 0.9, -0.9);

        // Step 2 with g = (−1, −2): m = (0.9·0.05 − 0.1, −0.18 − 0.2) = (−0.055, −0.38);
        // v = (0.999·0.00025 + 0.001, 0.999·0.004 + 0.004) = (0.00124975, 0.007996);
        // w −= η/(1 − 0.9²) · m / (√v/√(1 − 0.999²) + ε).
        Step(adam, p, -1f, -2f);
        double c1 = 1 - (0.9 * 0.9);
        double c2 = Math.Sqrt(1 - (0.999 * 0.999));
        double w0 = 0.9 - (0.1 / c1 * (-0.055 / ((Math.Sqrt(0.00124975) / c2) + 1e-8)));
        double w1 = -0.9 - (0.1 / c1 * (-0.38 / ((Math.Sqrt(0.007996) / c2) + 1e-8)));
        AssertValues(p, w0, w1);
    }

    [Fact]
    public void Adam_WeightDecay_IsL2InTheGradient()
    {
        // λ = 0.1 on w = 2 with g = 0: the decayed gradient 0.2 goes through Adam's normalization: step ≈ η.
        ParameterList p = Parameters(2f, 0f);
        var adam = new Adam([p], learningRate: 0.01f, weightDecay: 0.1f);
        Step(adam, p, 0f, 0f);
        AssertValues(p, 1.99, 0);
    }

    [Fact]
    public void AdamW_DecaysDecoupledFromTheMoments()
    {
        // λ = 0.1, η = 0.01, w = 2, g = 0: w ← 2·(1 − 0.001) = 1.998, then Adam with g = 0 moves nothing.
        ParameterList p = Parameters(2f, 0f);
        var adamW = new AdamW([p], learningRate: 0.01f, weightDecay: 0.1f);
        Step(adamW, p, 0f, 0f);
        AssertValues(p, 1.998, 0);

        // Step 2, g = 1: w ← 1.998·0.999 = 1.996002; m = 0.1, v = 0.001; update η/(1−0.81)·0.1/(√0.001/√(1−0.998001) + ε).
        Step(adamW, p, 1f, 0f);
        double c1 = 1 - 0.81;
        double c2 = Math.Sqrt(1 - (0.999 * 0.999));
        double expected = 1.996002 - (0.01 / c1 * (0.1 / ((Math.Sqrt(0.001) / c2) + 1e-8)));
        AssertValues(p, expected, 0);
    }

    [Fact]
    public void RmsProp_Plain_TwoSteps()
    {
        ParameterList p = Parameters(1f, 0f);
        var rms = new RmsProp([p], learningRate: 0.01f, alpha: 0.9f, epsilon: 1e-8f);
        Step(rms, p, 1f, 0f);          // v = 0.1; w = 1 − 0.01·1/(√0.1 + ε); a zero gradient moves nothing
        double w = 1 - (0.01 / (Math.Sqrt(0.1) + 1e-8));
        AssertValues(p, w, 0);
        Step(rms, p, 2f, 0f);          // v = 0.09 + 0.4 = 0.49; w −= 0.01·2/(0.7 + ε)
        AssertValues(p, w - (0.02 / (0.7 + 1e-8)), 0);
    }

    [Fact]
    public void RmsProp_CenteredWithMomentum_TwoSteps()
    {
        ParameterList p = Parameters(1f, 0f);
        var rms = new RmsProp([p], learningRate: 0.01f, alpha: 0.9f, epsilon: 1e-8f, momentum: 0.5f, centered: true);

        // Step 1, g = 1: v = 0.1, a = 0.1, d = √(0.1 − 0.01) + ε = √0.09 = 0.3; b = 1/0.3; w = 1 − 0.01/0.3.
        Step(rms, p, 1f, 0f);
        double b = 1 / (Math.Sqrt(0.09) + 1e-8);
        double w = 1 - (0.01 * b);
        AssertValues(p, w, 0);

        // Step 2, g = 2: v = 0.49, a = 0.09 + 0.2 = 0.29, d = √(0.49 − 0.0841); b = 0.5·b + 2/d.
        Step(rms, p, 2f, 0f);
        b = (0.5 * b) + (2 / (Math.Sqrt(0.49 - 0.0841) + 1e-8));
        AssertValues(p, w - (0.01 * b), 0);
    }

    [Fact]
    public void Step_MarksEveryListChanged()
    {
        ParameterList a = Parameters(1f, 1f);
        ParameterList b = Parameters(1f, 1f);
        long versionA = a.Version;
        long versionB = b.Version;
        new Adam([a, b]).Step();
        Assert.True(a.Version > versionA);
        Assert.True(b.Version > versionB);
    }

    [Fact]
    public void ExportImport_ContinuesIdentically()
    {
        ParameterList p1 = Parameters(1f, -1f);
        var first = new Adam([p1], learningRate: 0.05f);
        Step(first, p1, 0.3f, -0.7f);
        OptimizerState state = first.ExportState();

        ParameterList p2 = Parameters(p1.Values[0], p1.Values[1]);
        var second = new Adam([p2], learningRate: 0.05f);
        second.ImportState(state);
        Step(first, p1, 0.2f, 0.1f);
        Step(second, p2, 0.2f, 0.1f);
        Assert.Equal(p1.Values.ToArray(), p2.Values.ToArray());
        Assert.Equal(2, second.StepCount);
    }

    [Fact]
    public void ImportState_OfAnotherOptimizer_Throws()
    {
        ParameterList p = Parameters(1f, 1f);
        OptimizerState adam = new Adam([p]).ExportState();
        var error = Assert.Throws<ArgumentException>(() => new RmsProp([p]).ImportState(adam));
        Assert.Contains("adam", error.Message);
    }

    [Fact]
    public void Nesterov_WithoutMomentum_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new Sgd([Parameters(0f, 0f)], 0.1f, nesterov: true));
        Assert.Equal("nesterov", error.ParamName);
    }
}
