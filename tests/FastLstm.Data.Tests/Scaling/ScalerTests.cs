namespace FastLstm.Data.Tests;

public sealed class ScalerTests
{
    // See ForecastingDatasetTests: two float32 roundings, 2^-24 relative each.
    private const double RoundTripRelativeTolerance = 4.0 / (1 << 24);

    private const int Seed = 20240611;

    private static readonly string[] ThreeColumns = ["a", "b", "c"];

    private static float[] RandomRows(int rows, int seed)
    {
        var random = new Random(seed);
        var data = new float[rows * 3];
        for (int r = 0; r < rows; r++)
        {
            data[(r * 3) + 0] = (float)((random.NextDouble() * 1000) - 200);   // wide range, mostly positive
            data[(r * 3) + 1] = (float)(random.NextDouble() * 1e-3);           // tiny
            data[(r * 3) + 2] = (float)(5e4 + (random.NextDouble() * 10));     // large offset, small spread
        }

        return data;
    }

    [Theory]
    [InlineData(ScalerKind.None)]
    [InlineData(ScalerKind.ZScore)]
    [InlineData(ScalerKind.MinMax)]
    public void InverseTransform_AfterTransform_GivesBackTheValues(ScalerKind kind)
    {
        float[] original = RandomRows(500, Seed);
        Scaler scaler = Scaler.Fit(kind, original, ThreeColumns);
        float[] data = (float[])original.Clone();

        scaler.Transform(data);
        scaler.InverseTransform(data);

        for (int i = 0; i < data.Length; i++)
        {
            int c = i % 3;
            double magnitude = Math.Abs(original[i]) + Math.Abs(scaler.State.Offsets[c]) + scaler.State.Scales[c];
            Assert.True(Math.Abs(data[i] - original[i]) <= RoundTripRelativeTolerance * magnitude, $"seed {Seed}, index {i}: {data[i]} vs {original[i]}");
        }
    }

    [Fact]
    public void Fit_ZScore_UsesMeanAndPopulationStandardDeviation()
    {
        Scaler scaler = Scaler.Fit(ScalerKind.ZScore, [1f, 10f, 2f, 20f, 3f, 30f, 4f, 40f], ["x", "y"]);

        // x: mean 2.5, variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
        Assert.Equal([2.5, 25.0], scaler.State.Offsets);
        Assert.Equal(Math.Sqrt(1.25), scaler.State.Scales[0], 1e-15);
        Assert.Equal(Math.Sqrt(125.0), scaler.State.Scales[1], 1e-13);
    }

    [Fact]
    public void Fit_ZScoreOnLargeOffset_IsNumericallyStable()
    {
        // 1e7 + {0, 1, 2}: the naive sum of squares loses the variance in float64 cancellation; Welford does not.
        Scaler scaler = Scaler.Fit(ScalerKind.ZScore, [1e7f, 1e7f + 1, 1e7f + 2], ["x"]);

        Assert.Equal(Math.Sqrt(2.0 / 3.0), scaler.State.Scales[0], 1e-9);
    }

    [Fact]
    public void Fit_MinMax_MapsMinimumToZeroAndMaximumToOne()
    {
        float[] data = [3f, -1f, 7f, 5f];
        Scaler scaler = Scaler.Fit(ScalerKind.MinMax, data, ["x"]);

        scaler.Transform(data);

        Assert.Equal([0.5f, 0f, 1f, 0.75f], data);
    }

    [Theory]
    [InlineData(ScalerKind.ZScore)]
    [InlineData(ScalerKind.MinMax)]
    public void Fit_ConstantColumn_GetsScaleOneAndMapsToZero(ScalerKind kind)
    {
        float[] data = [4f, 4f, 4f];
        Scaler scaler = Scaler.Fit(kind, data, ["x"]);

        scaler.Transform(data);

        Assert.Equal(1.0, scaler.State.Scales[0]);
        Assert.Equal([0f, 0f, 0f], data);
    }

    [Fact]
    public void Fit_OverSeveralArrays_EqualsFitOverTheirConcatenation()
    {
        float[] all = RandomRows(300, Seed);
        Scaler whole = Scaler.Fit(ScalerKind.ZScore, all, ThreeColumns);

        Scaler parts = Scaler.Fit(ScalerKind.ZScore, [all[..300], all[300..303], all[303..]], ThreeColumns);

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(whole.State.Offsets[c], parts.State.Offsets[c], 1e-12 * Math.Abs(whole.State.Offsets[c]));
            Assert.Equal(whole.State.Scales[c], parts.State.Scales[c], 1e-9 * whole.State.Scales[c]);
        }
    }

    [Fact]
    public void FromState_OfExportedNumbers_TransformsBitIdentically()
    {
        float[] data = RandomRows(50, Seed);
        Scaler fitted = Scaler.Fit(ScalerKind.ZScore, data, ThreeColumns);
        // As a model file would store them: plain numbers and names.
        double[] offsets = [.. fitted.State.Offsets];
        double[] scales = [.. fitted.State.Scales];
        string[] names = [.. fitted.State.ColumnNames];

        Scaler restored = Scaler.FromState(new ScalerState(fitted.Kind, names, offsets, scales));
        float[] a = (float[])data.Clone();
        float[] b = (float[])data.Clone();
        fitted.Transform(a);
        restored.Transform(b);

        Assert.Equal(a, b);
        Assert.Equal(ScalerKind.ZScore, restored.Kind);
        Assert.Equal(ThreeColumns, restored.ColumnNames);
    }

    [Fact]
    public void TransformColumns_ScalesEachValueWithItsOwnColumn()
    {
        Scaler scaler = Scaler.FromState(new ScalerState(ScalerKind.ZScore, ThreeColumns, [1, 2, 3], [10, 20, 30]));
        float[] rows = [33f, 11f, 63f, 21f]; // two rows of (c, a)

        scaler.Transform(rows, [2, 0]);

        Assert.Equal([1f, 1f, 2f, 2f], rows);
    }

    [Fact]
    public void Fit_NaN_ThrowsNamingTheColumn()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Scaler.Fit(ScalerKind.ZScore, [1f, 2f, float.NaN, 4f], ["x", "y"]));

        Assert.Equal("data", e.ParamName);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_NoRows_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Scaler.Fit(ScalerKind.ZScore, ReadOnlySpan<float>.Empty, ["x"]));

        Assert.Equal("data", e.ParamName);
    }

    [Fact]
    public void Transform_LengthNotAWholeNumberOfRows_ThrowsWithExpectedAndActual()
    {
        Scaler scaler = Scaler.Fit(ScalerKind.ZScore, [1f, 2f, 3f, 4f], ["x", "y"]);

        ArgumentException e = Assert.Throws<ArgumentException>(() => scaler.Transform(new float[3]));

        Assert.Equal("data", e.ParamName);
        Assert.Contains("rows of 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransformColumns_IndexOutOfRange_Throws()
    {
        Scaler scaler = Scaler.Fit(ScalerKind.ZScore, [1f, 2f], ["x"]);

        Assert.Throws<ArgumentOutOfRangeException>(() => scaler.InverseTransform(new float[2], [1]));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ScalerState_BadScale_ThrowsNamingScales(double scale)
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new ScalerState(ScalerKind.ZScore, ["x"], [0.0], [scale]));

        Assert.Equal("scales", e.ParamName);
    }

    [Fact]
    public void ScalerState_LengthsDiffer_ThrowsNamingOffsets()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new ScalerState(ScalerKind.MinMax, ["x", "y"], [0.0], [1.0, 1.0]));

        Assert.Equal("offsets", e.ParamName);
    }
}
