using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// <see cref="RecurrentLayer.InferencePrecision"/>: reduced forward passes and steps stay within a stated distance of the
/// float32 result and differ from it (the reduced path really ran), agree with each other, leave training alone, refuse a
/// Backward, follow weight changes, and allocate nothing in steady state.
/// </summary>
public sealed class ReducedPrecisionTests
{
    private const int Steps = 12;
    private const int Batch = 2;

    public enum Shape
    {
        LstmH128,
        LstmH500,
        LstmPeephole,
        LstmProjection,
        GruH96,
        RnnH70,
    }

    public static TheoryData<Shape, WeightPrecision> ShapesAndPrecisions()
    {
        var data = new TheoryData<Shape, WeightPrecision>();
        foreach (Shape shape in Enum.GetValues<Shape>())
        {
            foreach (WeightPrecision precision in new[] { WeightPrecision.BFloat16, WeightPrecision.Float16, WeightPrecision.Int8 })
            {
                data.Add(shape, precision);
            }
        }

        return data;
    }

    // Largest |y − y_fp32| allowed over the 12 steps of these shapes (weights U(±1/√H), inputs U(±1)). The per-weight
    // error is ≤ 2⁻⁹|w| (bfloat16), ≤ 2⁻¹²|w| (float16), ≤ max|w_row|/254 (int8); a pre-activation then moves by at most
    // that times Σ|w||h|, ≈ √H/2 for these weights. The measured maxima (H = 500: about 1e-3 bfloat16, 1.5e-4 float16,
    // 2e-3 int8) sit at a third or less of these bounds.
    private static double Tolerance(WeightPrecision precision) => precision switch
    {
        WeightPrecision.BFloat16 => 4e-3,
        WeightPrecision.Float16 => 5e-4,
        _ => 1e-2,
    };

    [Theory]
    [MemberData(nameof(ShapesAndPrecisions))]
    public void ForwardAndStep_Reduced_CloseToFloat32ButNotEqual(Shape shape, WeightPrecision precision)
    {
        RecurrentLayer layer = Create(shape);
        int input = layer.Options.InputSize;
        int width = layer.Options.OutputSize;
        float[] x = TestData.Uniform(Steps * Batch * input, 11);
        float[] exact = Forward(layer, x, WeightPrecision.Float32);
        float[] reduced = Forward(layer, x, precision);
        float[] stepped = StepThrough(layer, x, precision);
        double tolerance = Tolerance(precision);
        string where = $"{shape} {precision}";

        double forwardDiff = MaxAbsDiff(reduced, exact);
        double stepDiff = MaxAbsDiff(stepped, exact);
        Assert.True(forwardDiff > 0 && forwardDiff <= tolerance, $"{where}: reduced Forward differs from float32 by {forwardDiff:G3}; expected (0, {tolerance}]");
        Assert.True(stepDiff > 0 && stepDiff <= tolerance, $"{where}: reduced Step differs from float32 by {stepDiff:G3}; expected (0, {tolerance}]");

        // Step also rounds W_ih, Forward does not (its input projection stays float32): close, not equal.
        double between = MaxAbsDiff(stepped, reduced);
        Assert.True(between <= tolerance, $"{where}: Step and Forward differ by {between:G3} > {tolerance}");
        Assert.Equal(Steps * Batch * width, reduced.Length);
    }

    [Fact]
    public void Step_Reduced_EqualsReducedForwardStepByStep_WhenOnlyTheRecurrentWeightsAreRounded()
    {
        // A GRU in its original form keeps W_hh in float32 and a 1-step Forward rounds nothing: Forward equals float32
        // exactly, while Step rounds W_ih.
        RecurrentLayer layer = TestData.Layer(CellKind.Gru, input: 9, hidden: 20, gruLinearBeforeReset: false);
        float[] x = TestData.Uniform(Steps * Batch * 9, 12);
        float[] exact = Forward(layer, x, WeightPrecision.Float32);
        Assert.Equal(exact, Forward(layer, x, WeightPrecision.BFloat16));
        Assert.True(MaxAbsDiff(StepThrough(layer, x, WeightPrecision.BFloat16), exact) > 0);
    }

    [Fact]
    public void Forward_TrainingTrue_IgnoresInferencePrecision()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 6, hidden: 33);
        float[] x = TestData.Uniform(Steps * Batch * 6, 13);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, x, Steps, Batch, training: true);
        float[] exact = workspace.Output.ToArray();

        layer.InferencePrecision = WeightPrecision.Int8;
        layer.Forward(workspace, x, Steps, Batch, training: true);
        Assert.Equal(exact, workspace.Output.ToArray());
        layer.Backward(workspace, TestData.Uniform(exact.Length, 14));   // a training pass may be differentiated
    }

    [Fact]
    public void Backward_AfterReducedForward_ThrowsNamingTheFix()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 6, hidden: 33);
        float[] x = TestData.Uniform(Steps * Batch * 6, 15);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.InferencePrecision = WeightPrecision.Float16;
        layer.Forward(workspace, x, Steps, Batch);
        float[] dy = TestData.Uniform(workspace.Output.Length, 16);

        var error = Assert.Throws<InvalidOperationException>(() => layer.Backward(workspace, dy));
        Assert.Contains("InferencePrecision", error.Message, StringComparison.Ordinal);
        Assert.Contains("training: true", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    public void InferencePrecision_UndefinedValue_ThrowsOutOfRange(int value)
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.InferencePrecision = (WeightPrecision)value);
        Assert.Equal("value", error.ParamName);
        Assert.Equal(WeightPrecision.Float32, layer.InferencePrecision);
    }

    [Theory]
    [InlineData(WeightPrecision.BFloat16)]
    [InlineData(WeightPrecision.Int8)]
    public void Forward_Reduced_FollowsAWeightChange(WeightPrecision precision)
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 6, hidden: 40);
        float[] x = TestData.Uniform(Steps * Batch * 6, 17);
        float[] before = Forward(layer, x, precision);

        // Change the weights in place; the next reduced pass must repack and match a fresh layer with these weights.
        Span<float> values = layer.Parameters.Values;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] *= -0.75f;
        }

        layer.Parameters.MarkChanged();
        float[] after = Forward(layer, x, precision);
        RecurrentLayer fresh = TestData.Layer(CellKind.Lstm, input: 6, hidden: 40);
        layer.Parameters.Values.CopyTo(fresh.Parameters.Values);
        fresh.Parameters.MarkChanged();
        Assert.NotEqual(before, after);
        Assert.Equal(Forward(fresh, x, precision), after);
    }

    [Theory]
    [InlineData(CellKind.Lstm, 4)]
    [InlineData(CellKind.Lstm, 0)]
    [InlineData(CellKind.Gru, 0)]
    [InlineData(CellKind.RnnTanh, 0)]
    public void ForwardAndStep_Reduced_SteadyState_AllocateNothing(CellKind cell, int projection)
    {
        RecurrentLayer layer = TestData.Layer(cell, input: 5, hidden: 20, layers: 2, projection: projection);
        using RecurrentWorkspace workspace = layer.CreateWorkspace();
        using RecurrentState state = layer.CreateState(Batch);
        float[] x = TestData.Uniform(Steps * Batch * 5, 18);
        float[] y = new float[Batch * layer.Options.OutputHiddenSize];
        foreach (WeightPrecision precision in new[] { WeightPrecision.BFloat16, WeightPrecision.Float16, WeightPrecision.Int8 })
        {
            layer.InferencePrecision = precision;
            layer.Forward(workspace, x, Steps, Batch);
            layer.Step(state, x.AsSpan(0, Batch * 5), y);
            Assert.Equal(0, AllocatedBy(() => layer.Forward(workspace, x, Steps, Batch)));
            Assert.Equal(0, AllocatedBy(() => layer.Step(state, x.AsSpan(0, Batch * 5), y)));
        }
    }

    private static RecurrentLayer Create(Shape shape) => shape switch
    {
        Shape.LstmH128 => TestData.Layer(CellKind.Lstm, input: 64, hidden: 128),
        Shape.LstmH500 => TestData.Layer(CellKind.Lstm, input: 300, hidden: 500),
        Shape.LstmPeephole => TestData.Layer(CellKind.Lstm, input: 20, hidden: 40, peephole: true),
        Shape.LstmProjection => TestData.Layer(CellKind.Lstm, input: 20, hidden: 40, projection: 24),
        Shape.GruH96 => TestData.Layer(CellKind.Gru, input: 31, hidden: 96),
        _ => TestData.Layer(CellKind.RnnTanh, input: 17, hidden: 70),
    };

    /// <summary>y (T, B, Hout) of a forward pass (inference mode) at <paramref name="precision"/>.</summary>
    private static float[] Forward(RecurrentLayer layer, float[] x, WeightPrecision precision)
    {
        layer.InferencePrecision = precision;
        using RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, x, Steps, Batch);
        layer.InferencePrecision = WeightPrecision.Float32;
        return workspace.Output.ToArray();
    }

    /// <summary>The same outputs, one <see cref="RecurrentLayer.Step"/> at a time from a zero state.</summary>
    private static float[] StepThrough(RecurrentLayer layer, float[] x, WeightPrecision precision)
    {
        layer.InferencePrecision = precision;
        using RecurrentState state = layer.CreateState(Batch);
        int input = layer.Options.InputSize;
        int width = layer.Options.OutputHiddenSize;
        var y = new float[Steps * Batch * width];
        for (int t = 0; t < Steps; t++)
        {
            layer.Step(state, x.AsSpan(t * Batch * input, Batch * input), y.AsSpan(t * Batch * width, Batch * width));
        }

        layer.InferencePrecision = WeightPrecision.Float32;
        return y;
    }

    private static double MaxAbsDiff(float[] a, float[] b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        }

        return max;
    }

    private static long AllocatedBy(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
