namespace FastLstm.Data.Tests;

public sealed class TimeSeriesTests
{
    [Fact]
    public void Split_IsChronologicalAndKeepsEveryRowOnce()
    {
        var values = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var series = new TimeSeries(values, ["x"], [.. Enumerable.Range(0, 20).Select(i => $"t{i}")]);

        TimeSeriesSplit split = series.Split(new SplitFractions(0.6, 0.2, 0.2));

        Assert.Equal(values[..12], split.Train.Values);
        Assert.Equal(values[12..16], split.Validation.Values);
        Assert.Equal(values[16..], split.Test.Values);
        Assert.Equal("t12", split.Validation.TimeLabels![0]);
    }

    [Fact]
    public void Split_PartsOfAFile_RememberTheirLines()
    {
        TimeSeries series = TimeSeriesCsv.Load(RepositoryFiles.Dataset("air_passengers.csv"), new TimeSeriesCsvOptions("passengers_thousands"));

        TimeSeriesSplit split = series.Split(SplitFractions.Default);

        Assert.Equal((101, 21, 22), (split.Train.Length, split.Validation.Length, split.Test.Length));
        Assert.Equal(103, split.Validation.LineOf(0)); // row 101, after the header
        Assert.Equal(145, split.Test.LineOf(split.Test.Length - 1));
    }

    [Fact]
    public void Slice_OutOfRange_ThrowsNamingTheArgument()
    {
        var series = new TimeSeries(new float[10], ["x"]);

        Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => series.Slice(11, 0)).ParamName);
        Assert.Equal("length", Assert.Throws<ArgumentOutOfRangeException>(() => series.Slice(5, 6)).ParamName);
    }

    [Fact]
    public void Constructor_LengthNotAWholeNumberOfRows_ThrowsNamingValues()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new TimeSeries(new float[7], ["a", "b"]));

        Assert.Equal("values", e.ParamName);
        Assert.Contains("got 7", e.Message, StringComparison.Ordinal);
    }
}
