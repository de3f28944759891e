namespace FastLstm.Data.Tests;

public sealed class ForecastingDatasetTests : IDisposable
{
    // Transform then inverse rounds to float32 twice (after the division and after the multiply-add), each within
    // half an ulp: 2^-24 relative. Four half-ulps of the larger magnitude involved is a safe, still tight bound.
    private const double RoundTripRelativeTolerance = 4.0 / (1 << 24);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static TimeSeries AirPassengers() =>
        TimeSeriesCsv.Load(RepositoryFiles.Dataset("air_passengers.csv"), new TimeSeriesCsvOptions("passengers_thousands") { TimeColumn = "month" });

    [Fact]
    public void Create_ScalerIsFittedOnTheTrainingPartOnly()
    {
        TimeSeries series = AirPassengers();

        ForecastingDataset data = ForecastingDataset.Create(series, SplitFractions.Default, ScalerKind.ZScore, new WindowOptions(12));

        // The first 101 months: mean 219.7128712871287, population standard deviation 74.71693601452937
        // (computed independently in float64); the whole series' mean is 280.3, so fitting on it would show.
        double[] train = [.. series.Values[..101].Select(v => (double)v)];
        double mean = train.Average();
        double std = Math.Sqrt(train.Sum(x => (x - mean) * (x - mean)) / train.Length);
        Assert.Equal(219.7128712871287, mean, 1e-9);
        Assert.Equal(mean, data.Scaler.State.Offsets[0], 1e-9);
        Assert.Equal(std, data.Scaler.State.Scales[0], 1e-9);
        Assert.Equal(74.71693601452937, data.Scaler.State.Scales[0], 1e-9);
    }

    [Fact]
    public void Create_PartsHaveTheSplitSizesAndTheirOwnWindows()
    {
        ForecastingDataset data = ForecastingDataset.Create(AirPassengers(), SplitFractions.Default, ScalerKind.MinMax, new WindowOptions(6, 2));

        Assert.Equal((101, 21, 22), (data.Parts.Train.Length, data.Parts.Validation.Length, data.Parts.Test.Length));
        Assert.Equal(101 - 8 + 1, data.Train.Count);
        Assert.Equal(21 - 8 + 1, data.Validation.Count);
        Assert.Equal(22 - 8 + 1, data.Test.Count);
        Assert.Equal("1957-06", data.Parts.Validation.TimeLabels![0]);
    }

    [Fact]
    public void Create_MinMax_MapsTheTrainingPartOntoZeroToOneAndLaterGrowthAboveOne()
    {
        ForecastingDataset data = ForecastingDataset.Create(AirPassengers(), SplitFractions.Default, ScalerKind.MinMax, new WindowOptions(12));

        Assert.Equal(0f, data.Parts.Train.Values.Min());
        Assert.Equal(1f, data.Parts.Train.Values.Max());
        Assert.True(data.Parts.Test.Values.Max() > 1f); // passenger numbers kept growing after the training years
    }

    [Fact]
    public void Create_ZScore_TrainingPartHasMeanZeroAndStandardDeviationOne()
    {
        ForecastingDataset data = ForecastingDataset.Create(AirPassengers(), SplitFractions.Default, ScalerKind.ZScore, new WindowOptions(12));

        double[] scaled = [.. data.Parts.Train.Values.Select(v => (double)v)];
        double mean = scaled.Average();
        double std = Math.Sqrt(scaled.Sum(x => (x - mean) * (x - mean)) / scaled.Length);
        // Float32 values of magnitude ≤ 3: sums of 101 of them carry errors near 101·2^-24·3 ≈ 2e-5.
        Assert.Equal(0.0, mean, 1e-5);
        Assert.Equal(1.0, std, 1e-5);
    }

    [Fact]
    public void InverseTransform_OfScaledTargets_GivesBackTheOriginalUnits()
    {
        TimeSeries series = AirPassengers();
        ForecastingDataset data = ForecastingDataset.Create(series, SplitFractions.Default, ScalerKind.ZScore, new WindowOptions(12));
        float[] targets = (float[])data.Test.Targets.Clone();

        data.Scaler.InverseTransform(targets, [.. data.Test.TargetColumnIndices]);

        // Test part starts at row 122; its first window's target is row 122 + 12.
        float[] original = series.Values[(122 + 12)..];
        Assert.Equal(original.Length, targets.Length);
        for (int i = 0; i < targets.Length; i++)
        {
            Assert.True(Math.Abs(targets[i] - original[i]) <= RoundTripRelativeTolerance * Math.Abs(original[i]) * 4, $"{targets[i]} vs {original[i]} at {i}");
        }
    }

    [Fact]
    public void Create_ValidationPartTooShortForOneWindow_NamesItsLastLineAndTheColumn()
    {
        string path = RepositoryFiles.Dataset("air_passengers.csv");
        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("passengers_thousands"));

        // Validation holds rows 101..121 (lines 103 to 123): 21 rows, fewer than 24 + 1.
        DataFormatException e = DataFormatAssert.Throws(
            () => ForecastingDataset.Create(series, SplitFractions.Default, ScalerKind.ZScore, new WindowOptions(24)), path, 123, "passengers_thousands");

        Assert.Contains("validation part", e.Message, StringComparison.Ordinal);
        Assert.Contains("lines 103 to 123", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ZeroValidationAndTestFractions_GivesEmptyParts()
    {
        ForecastingDataset data = ForecastingDataset.Create(AirPassengers(), new SplitFractions(1, 0, 0), ScalerKind.None, new WindowOptions(12));

        Assert.Equal(132, data.Train.Count);
        Assert.Equal(0, data.Validation.Count);
        Assert.Equal(0, data.Test.Count);
        Assert.Equal(112f, data.Train.Inputs[0]); // ScalerKind.None leaves the values as they are
    }

    [Fact]
    public void Create_MultivariateWithOneTarget_ForecastsOnlyThatColumn()
    {
        TimeSeries series = TimeSeriesCsv.Load(
            RepositoryFiles.Dataset("uk_lung_deaths.csv"),
            new TimeSeriesCsvOptions("deaths_male", "deaths_female") { TimeColumn = "month" });

        ForecastingDataset data = ForecastingDataset.Create(series, new SplitFractions(0.5, 0.25, 0.25), ScalerKind.ZScore, new WindowOptions(6, 1, 1, ["deaths_female"]));

        Assert.Equal(2, data.Train.Features);
        Assert.Equal(1, data.Train.TargetFeatures);
        Assert.Equal([1], data.Train.TargetColumnIndices);
        float[] target = [data.Train.Targets[0]];
        data.Scaler.InverseTransform(target, [1]);
        Assert.Equal(series.Values[(6 * 2) + 1], target[0], 0.01f); // female deaths in 1974-07
    }
}
